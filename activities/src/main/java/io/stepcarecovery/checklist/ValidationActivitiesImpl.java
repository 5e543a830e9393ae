package io.stepcarecovery.checklist;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.util.List;

/**
 * The runbook's validation checklist as a client machine sees it (shared task queue), one class
 * per check: {@link AcmeCheck}, {@link TrustCheck}, {@link IssuanceCheck}, {@link ServiceCheck}.
 * A check that finds a problem returns a failed item with diagnosis and action; only an unknown
 * CA or a broken config throws.
 */
public class ValidationActivitiesImpl implements ValidationActivities {
  private final StepcaRecoveryConfig config;

  public ValidationActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  @Override
  public List<ChecklistItem> checkAcme(String ca) {
    return ActivityErrors.run(() -> List.of(AcmeCheck.check(config.ca(ca))));
  }

  @Override
  public List<ChecklistItem> checkTrust(String ca) {
    return ActivityErrors.run(() -> TrustCheck.check(config.ca(ca)));
  }

  @Override
  public List<ChecklistItem> checkIssuance(String ca) {
    return ActivityErrors.run(() -> List.of(IssuanceCheck.check(config.ca(ca))));
  }

  @Override
  public List<ChecklistItem> checkService(String ca, String serviceUrl) {
    return ActivityErrors.run(() -> ServiceCheck.check(config.ca(ca), config.source(), serviceUrl));
  }
}
