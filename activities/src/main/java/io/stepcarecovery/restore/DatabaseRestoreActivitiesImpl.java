package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.config.StepcaRecoveryConfig;

/** {@link DatabaseRestoreActivities} on the CA host: {@link DatabaseRestore} for the CA's config here. */
public class DatabaseRestoreActivitiesImpl implements DatabaseRestoreActivities {
  private final StepcaRecoveryConfig config;

  public DatabaseRestoreActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  private DatabaseRestore of(String ca, RestorePlan plan, String tag) {
    RestoreTargets.of(config.ca(ca), plan.allowPaths()).check(plan.backupId(), plan.roots());
    return new DatabaseRestore(config.ca(ca), plan, tag);
  }

  @Override
  public DatabaseStaging loadDump(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> of(ca, plan, tag).load(Heartbeat.of("load dump of " + plan.backupId())));
  }

  @Override
  public DatabaseSwitch switchDatabaseIn(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> of(ca, plan, tag).switchIn());
  }

  @Override
  public DatabaseSwitch switchDatabaseBack(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> of(ca, plan, tag).switchBack());
  }

  @Override
  public void dropStagingDatabase(String ca, RestorePlan plan, String tag) {
    ActivityErrors.runVoid(() -> of(ca, plan, tag).discardStaging());
  }
}
