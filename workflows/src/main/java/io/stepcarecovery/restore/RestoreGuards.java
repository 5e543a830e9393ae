package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.CaView;
import io.stepcarecovery.probe.CurrentHealth;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.temporal.failure.ApplicationFailure;

/**
 * What a restore or a recovery checks before it takes the lock or touches a file: that the
 * worker's config means the same CA as the starting side's, and how the CA answers right now.
 * Both are asked where the workflow runs (a local activity of the shared-queue worker), which
 * is the view the restore acts on. A refusal here changes nothing: no lock is held yet.
 */
final class RestoreGuards {
  /** Failure types a client can tell apart: the CLI exits 2 on a config mismatch. */
  static final String CONFIG_MISMATCH = "ConfigMismatch";
  static final String CA_HEALTHY = "CaHealthy";

  private final Progress progress;
  private final int step;

  RestoreGuards(Progress progress, int step) {
    this.progress = progress;
    this.step = step;
  }

  void sameConfig(CaDescription ca, RestoreRequest request) {
    if (request.expect() == null) {
      return;
    }
    CaView worker = probe(ca).view(ca.name());
    if (!worker.equals(request.expect())) {
      String why = "the worker's config describes CA " + ca.name() + " otherwise than the command's: worker: "
          + worker.describe() + "; command: " + request.expect().describe()
          + ". Nothing changed. Run the command with the worker's config file, or restart the worker"
          + " with the command's.";
      progress.failed(step, why);
      throw ApplicationFailure.newNonRetryableFailure(why, CONFIG_MISMATCH);
    }
  }

  /** The CA's health before anything changes; refuses a serving CA when asked to. */
  CurrentHealth health(CaDescription ca, boolean refuseHealthy) {
    CurrentHealth health = probe(ca).currentHealth(ca.name());
    if (refuseHealthy && health.healthy()) {
      String why = "CA " + ca.name() + " is healthy (" + health.detail() + "): recovery refused, nothing"
          + " changed. To replace its live data anyway: stepca-recovery recover --ca " + ca.name()
          + " --even-if-healthy";
      progress.failed(step, why);
      throw ApplicationFailure.newNonRetryableFailure(why, CA_HEALTHY);
    }
    return health;
  }

  private ProbeActivities probe(CaDescription ca) {
    return ActivityPlans.local(ProbeActivities.class, ActivityPlans.LOCAL_QUICK,
        progress.summary(step, "health and config of " + ca.name()));
  }
}
