package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.CaServiceActivities;
import io.stepcarecovery.ca.CaStarter;
import io.stepcarecovery.ca.HostGate;
import io.stepcarecovery.ca.StartReport;
import io.stepcarecovery.ca.StopReport;
import io.stepcarecovery.probe.HealthReport;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.stepcarecovery.probe.CurrentHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;

/**
 * The runbook's restore procedure, shared by the restore and the recovery workflows: verify the
 * backup before touching anything → (approval) → stage it beside the live data while the CA runs
 * → stop → move the live data aside and the staged data in → start. Whatever fails after the
 * stop, what was moved is put back and the CA is started again. Nothing is ever deleted.
 */
public final class RestoreProcedure {
  private static final Logger log = Workflow.getLogger(RestoreProcedure.class);
  private static final DateTimeFormatter TAG =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int HEALTH_TIMEOUT_SECONDS = 45;
  static final String ONE_VERIFIED_PASS = "one-verified-pass";
  static final String GUARDS = "guards";
  static final String APPROVAL_DEADLINE = "approval-deadline";

  /** Which progress step each part of the procedure reports on. */
  public record StepNumbers(int verify, int approval, int stage, int stop, int swap, int start) {}

  /**
   * @param startFailure why the restored CA did not come up healthy, or null
   * @param canRollBack the live data existed and was moved aside, so it can be put back
   */
  public record Restored(RestorePlan plan, String tag, SwapReport swap, StopReport stop,
      HealthReport health, String startFailure, boolean canRollBack) {}

  private final Progress progress;
  private final StepNumbers steps;
  private CaDescription locked;
  private PlannedRestore planned;
  private boolean approved;
  private String aborted;
  private CurrentHealth healthBefore;

  public RestoreProcedure(Progress progress, StepNumbers steps) {
    this.progress = progress;
    this.steps = steps;
  }

  private static String owner() {
    return Workflow.getInfo().getWorkflowId();
  }

  /** Gives the CA back at the end of the run, whatever happened. */
  public void release() {
    if (locked == null) {
      return;
    }
    CaDescription ca = locked;
    Workflow.newDetachedCancellationScope(() -> ActivityPlans.stub(CaServiceActivities.class,
        TaskQueues.forHost(ca.host()), ActivityPlans.QUICK, "Release CA · " + ca.name())
        .unlockCa(ca.name(), owner())).run();
    locked = null;
  }

  /** What the verified backup is about to replace, once it is verified (else null). */
  public PlannedRestore planned() {
    return planned;
  }

  public void approve(String by) {
    approved = true;
  }

  public void abort(String reason) {
    aborted = reason == null || reason.isBlank() ? "aborted" : reason;
  }

  /**
   * @param refuseHealthy refuse, before anything changes, when the CA serves (recovery) unless
   *     the request says evenIfHealthy
   */
  public Restored restoreAndStart(CaDescription ca, RestoreRequest request, boolean refuseHealthy) {
    String host = TaskQueues.forHost(ca.host());
    String where = ca.name() + " on " + ca.host();
    String tag = TAG.format(Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    // Version 1: the guards (same config on both sides, the CA's health) before the lock.
    if (Workflow.getVersion(GUARDS, Workflow.DEFAULT_VERSION, 1) >= 1) {
      progress.running(steps.verify(), where, "checking the CA's health before anything changes");
      RestoreGuards guards = new RestoreGuards(progress, steps.verify());
      guards.sameConfig(ca, request);
      healthBefore = guards.health(ca, refuseHealthy && request.refusesHealthy());
      log.info("CA {} before the restore: {}", ca.name(), healthBefore.detail());
    }

    RestoreActivities files = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.BULK,
        progress.summary(steps.stage(), where));
    // Version 1: without an approval gate, the CA is locked first and the archive is verified
    // and staged in one read (verifyAndStage); histories of version 0 replay the old order.
    boolean onePass = Workflow.getVersion(ONE_VERIFIED_PASS, Workflow.DEFAULT_VERSION, 1) >= 1
        && !request.needsApproval();
    RestorePlan plan = onePass ? verifyAndStage(ca, request, host, where, tag)
        : verifyThenStage(ca, request, host, where, tag, files);

    progress.running(steps.stop(), where);
    StopReport stop;
    SwapReport swap;
    try {
      stop = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(steps.stop(), where)).stopCa(ca.name());
      progress.done(steps.stop(), stop.wasRunning() ? "stopped" : "was not running");
      progress.running(steps.swap(), where);
      swap = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(steps.swap(), where)).swapIn(ca.name(), plan, tag);
      progress.done(steps.swap(), swap.movedAside().isEmpty() ? "no live data was there (outage)"
          : "live data moved aside to " + String.join(", ", swap.movedAside()));
    } catch (ActivityFailure e) {
      // Put back whatever moved, start the CA as it was, then report.
      progress.failed(steps.swap(), Failures.rootMessage(e));
      Workflow.newDetachedCancellationScope(() -> {
        files.swapBack(ca.name(), plan, tag);
        startUntilHealthy(ca, where);
        discardStaging(host, ca, plan, tag);
      }).run();
      throw e;
    }

    progress.running(steps.start(), where);
    try {
      StartReport start = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.START_RESTORED,
          progress.summary(steps.start(), where)).startCa(ca.name());
      HealthReport health = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED,
              ActivityPlans.probe(HEALTH_TIMEOUT_SECONDS), progress.summary(steps.start(), ca.url()))
          .awaitHealthy(ca.name(), HEALTH_TIMEOUT_SECONDS);
      progress.done(steps.start(), ca.url() + "/health ok " + (health.healthyAtMillis() - start.startedAtMillis()) + " ms after start");
      return new Restored(plan, tag, swap, stop, health, null, !swap.movedAside().isEmpty());
    } catch (ActivityFailure e) {
      String why = Failures.rootMessage(e);
      progress.failed(steps.start(), "the restored CA did not come up: " + why);
      return new Restored(plan, tag, swap, stop, null, why, !swap.movedAside().isEmpty());
    }
  }

  /** Version 0, and any restore with an approval gate: verify → lock → (approval) → stage. */
  private RestorePlan verifyThenStage(CaDescription ca, RestoreRequest request, String host, String where,
      String tag, RestoreActivities files) {
    progress.running(steps.verify(), where, "backup " + request.backupOrLatest());
    RestorePlan plan;
    try {
      int deadline = HostGate.deadline(request.workerDeadlineSeconds());
      RestoreActivities gated = ActivityPlans.stub(RestoreActivities.class, host,
          HostGate.options(ActivityPlans.BULK, deadline), progress.summary(steps.verify(), where));
      plan = HostGate.call(progress, steps.verify(), ca.host(), deadline,
          () -> gated.verifyBackup(ca.name(), request.backupOrLatest(), request.foreignRootAllowed(),
              request.allowedPaths()));
    } catch (ActivityFailure | ApplicationFailure e) {
      progress.failed(steps.verify(), Failures.rootMessage(e));
      throw e;
    }
    try {
      ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.QUICK,
          progress.summary(steps.verify(), where)).lockCa(ca.name(), owner());
      locked = ca;
    } catch (ActivityFailure e) {
      progress.failed(steps.verify(), Failures.rootMessage(e));
      throw e;
    }
    planned = PlannedRestore.of(plan, tag, healthBefore);
    progress.done(steps.verify(), "backup " + plan.backupId() + " verified: " + plan.files()
        + " entries, root " + plan.rootFingerprint().substring(0, 16) + "…");

    if (request.needsApproval()) {
      // Version 1: the gate has a deadline; unanswered, the run ends with nothing changed (the
      // lock is released by the workflow's finally). Version 0 waited for ever.
      if (Workflow.getVersion(APPROVAL_DEADLINE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        int seconds = request.approvalTimeoutOrDefault();
        String until = DateTimeFormatter.ISO_INSTANT.format(
            Instant.ofEpochMilli(Workflow.currentTimeMillis()).plusSeconds(seconds));
        planned = planned.withDeadline(until);
        progress.running(steps.approval(), where, "waiting for approve or abort (signal) until " + until);
        if (!Workflow.await(Duration.ofSeconds(seconds), () -> approved || aborted != null)) {
          String why = "not approved within " + seconds + " s (until " + until + "): nothing changed";
          progress.failed(steps.approval(), why);
          throw ApplicationFailure.newNonRetryableFailure("restore not approved before its deadline; "
              + why + ", the CA lock released", "ApprovalExpired");
        }
      } else {
        progress.running(steps.approval(), where, "waiting for approve or abort (signal)");
        Workflow.await(() -> approved || aborted != null);
      }
      if (aborted != null) {
        progress.failed(steps.approval(), "aborted: " + aborted);
        throw ApplicationFailure.newNonRetryableFailure("restore aborted before anything changed: "
            + aborted, "Aborted");
      }
      progress.done(steps.approval(), "approved");
    } else if (steps.approval() != steps.verify()) {
      progress.skipped(steps.approval(), "not requested");
    }

    progress.running(steps.stage(), where, "extracting beside the live data; CA still running");
    try {
      files.stage(ca.name(), plan, tag);
    } catch (ActivityFailure e) {
      progress.failed(steps.stage(), Failures.rootMessage(e));
      discardStaging(host, ca, plan, tag);
      throw e;
    }
    progress.done(steps.stage(), plan.bytes() + " bytes staged");
    return plan;
  }

  /**
   * Version 1 without an approval gate: lock the CA (the first call to its host, so a missing
   * worker is reported here, before anything is touched), then one read that verifies the
   * archive and extracts it beside the live data while the CA runs. The activity trusts the
   * staged data only after the whole read and every check passed, and removes it otherwise.
   */
  private RestorePlan verifyAndStage(CaDescription ca, RestoreRequest request, String host, String where,
      String tag) {
    progress.running(steps.verify(), where, "backup " + request.backupOrLatest()
        + ": verifying and extracting beside the live data in one read; CA still running");
    int deadline = HostGate.deadline(request.workerDeadlineSeconds());
    try {
      CaServiceActivities gated = ActivityPlans.stub(CaServiceActivities.class, host,
          HostGate.options(ActivityPlans.QUICK, deadline), progress.summary(steps.verify(), where));
      HostGate.call(progress, steps.verify(), ca.host(), deadline, () -> {
        gated.lockCa(ca.name(), owner());
        return null;
      });
      locked = ca;
    } catch (ActivityFailure | ApplicationFailure e) {
      progress.failed(steps.verify(), Failures.rootMessage(e));
      throw e;
    }
    RestorePlan plan;
    try {
      plan = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.BULK,
              progress.summary(steps.verify(), where))
          .verifyAndStage(ca.name(), request.backupOrLatest(), request.foreignRootAllowed(),
              request.allowedPaths(), tag);
    } catch (ActivityFailure e) {
      progress.failed(steps.verify(), Failures.rootMessage(e));
      Workflow.newDetachedCancellationScope(() -> {
        try {
          ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.QUICK, "Clean up staging · " + ca.name())
              .discardStagingOf(ca.name(), request.backupOrLatest(), tag);
        } catch (ActivityFailure cleanup) {
          // The failure to report is the verification's; leftover staging is only a copy.
          log.warn("staging of {} not cleaned up: {}", tag, Failures.rootMessage(cleanup));
        }
      }).run();
      throw e;
    }
    planned = PlannedRestore.of(plan, tag, healthBefore);
    progress.done(steps.verify(), "backup " + plan.backupId() + " verified: " + plan.files()
        + " entries, root " + plan.rootFingerprint().substring(0, 16) + "…");
    if (steps.approval() != steps.verify()) {
      progress.skipped(steps.approval(), "not requested");
    }
    if (steps.stage() != steps.verify()) {
      progress.done(steps.stage(), plan.bytes() + " bytes staged, in the verifying read");
    }
    return plan;
  }

  /** Stop, put the moved-aside data back (the restored data is moved aside too), start. */
  public SwapReport rollback(CaDescription ca, Restored restored, int step) {
    String host = TaskQueues.forHost(ca.host());
    String where = ca.name() + " on " + ca.host();
    SwapReport[] back = new SwapReport[1];
    Workflow.newDetachedCancellationScope(() -> {
      progress.running(step, where, "stopping the restored CA");
      ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(step, where)).stopCa(ca.name());
      back[0] = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(step, where)).swapBack(ca.name(), restored.plan(), restored.tag());
      progress.running(step, where, "previous data back in place; starting");
      startUntilHealthy(ca, where);
      progress.done(step, "previous data restored and serving; the failed restore lies at "
          + String.join(", ", back[0].movedAside()));
    }).run();
    return back[0];
  }

  private void startUntilHealthy(CaDescription ca, String where) {
    new CaStarter(ca).startUntilHealthy("Start CA · " + where, "Confirm CA health · " + ca.url(),
        stillDown -> log.error("{}", stillDown));
  }

  private void discardStaging(String host, CaDescription ca, RestorePlan plan, String tag) {
    Workflow.newDetachedCancellationScope(() -> ActivityPlans.stub(RestoreActivities.class, host,
        ActivityPlans.QUICK, "Clean up staging · " + ca.name()).discardStaging(ca.name(), plan, tag)).run();
  }
}
