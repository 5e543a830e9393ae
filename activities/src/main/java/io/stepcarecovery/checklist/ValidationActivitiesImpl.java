package io.stepcarecovery.checklist;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.security.KeyPair;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runbook's validation checklist as a client machine sees it (shared task queue), one class
 * per check: {@link AcmeCheck}, {@link TrustCheck}, {@link IssuanceCheck}, {@link ServiceCheck}.
 * A check that finds a problem returns a failed item with diagnosis and action; only an unknown
 * CA or a broken config throws.
 */
public class ValidationActivitiesImpl implements ValidationActivities {
  private final StepcaRecoveryConfig config;
  private final Supplier<KeyPair> acmeKeys;

  public ValidationActivitiesImpl(StepcaRecoveryConfig config) {
    this(config, AcmeFlow.FRESH_KEYS);
  }

  /**
   * @param acmeKeys where the ACME check's throwaway keys come from (each call a new pair, kept in
   *     memory only); tests pass a recorder of fresh pairs to prove no key reaches a history
   */
  public ValidationActivitiesImpl(StepcaRecoveryConfig config, Supplier<KeyPair> acmeKeys) {
    this.config = config;
    this.acmeKeys = acmeKeys;
  }

  @Override
  public List<ChecklistItem> checkAcme(String ca) {
    return ActivityErrors.run(() -> List.of(AcmeCheck.check(config.ca(ca), acmeKeys)));
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
