package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.SameConfig;
import io.stepcarecovery.probe.CurrentHealth;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.RunbookStep;
import io.temporal.failure.ApplicationFailure;

/**
 * What a restore or a recovery checks before it takes the lock or touches a file: that the
 * worker's config means the same CA as the starting side's, and how the CA answers right now.
 * Both are asked where the workflow runs (local activities of the shared-queue worker, where the
 * CA was described), which is the view the restore acts on. A refusal here changes nothing: no
 * lock is held yet.
 */
final class RestoreGuards {
  /** The failure type of a refused recovery of a serving CA. */
  static final String CA_HEALTHY = "CaHealthy";

  private final Progress progress;
  private final RunbookStep step;

  RestoreGuards(Progress progress, RunbookStep step) {
    this.progress = progress;
    this.step = step;
  }

  void sameConfig(CaDescription ca, RestoreRequest request) {
    SameConfig.check(progress, step, ca, request.expect(), local(ca));
  }

  /**
   * The CA's health before anything changes; refuses a serving CA when asked to. Only then is a
   * new nonce asked for (it writes to the CA's database): a restore shows /health alone.
   */
  CurrentHealth health(CaDescription ca, boolean refuseHealthy) {
    CurrentHealth health = local(ca).currentHealth(ca.name(), refuseHealthy);
    if (refuseHealthy && health.healthy()) {
      String why = "CA " + ca.name() + " is healthy (" + health.detail() + "): recovery refused, nothing"
          + " changed. To replace its live data anyway: stepca-recovery recover --ca " + ca.name()
          + " --even-if-healthy";
      progress.failed(step, why);
      throw ApplicationFailure.newNonRetryableFailure(why, CA_HEALTHY);
    }
    return health;
  }

  private ProbeActivities local(CaDescription ca) {
    return ActivityPlans.local(ProbeActivities.class, ActivityPlans.LOCAL_QUICK,
        progress.summary(step, "health and config of " + ca.name()));
  }
}
