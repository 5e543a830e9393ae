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
import io.stepcarecovery.copies.CopyActivities;
import io.stepcarecovery.copies.FetchReport;
import io.stepcarecovery.probe.HealthReport;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.RunbookStep;
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
 * The runbook's restore procedure, shared by the restore and the recovery workflows: lock →
 * verify the backup and stage it beside the live data in one read while the CA runs (a MySQL
 * CA's dump loaded into a staging database then too) → (approval) → stop → move the live data
 * aside and the staged data in (a MySQL CA's tables likewise, {@link DatabaseRestoreActivities})
 * → start. Until the stop
 * only the staging exists, and it is discarded if anything fails or the gate is refused; whatever
 * fails after the stop, what was moved is put back and the CA is started again. Nothing of the
 * live data is ever deleted.
 */
public final class RestoreProcedure {
  private static final Logger log = Workflow.getLogger(RestoreProcedure.class);
  private static final DateTimeFormatter TAG =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int HEALTH_TIMEOUT_SECONDS = 45;

  /** Which progress step each part of the procedure reports on (one step may stand for several). */
  public record StepNumbers(RunbookStep verify, RunbookStep approval, RunbookStep stage, RunbookStep stop,
      RunbookStep swap, RunbookStep start) {}

  /**
   * @param startFailure why the restored CA did not come up healthy, or null
   * @param canRollBack the live data existed and was moved aside, so it can be put back
   * @param replacedAtMillis when the restored data replaced the live data (workflow clock): the
   *     end of the window whose records the restore undid
   */
  public record Restored(RestorePlan plan, String tag, SwapReport swap, StopReport stop,
      HealthReport health, String startFailure, boolean canRollBack, long replacedAtMillis,
      String source) {}

  private final Progress progress;
  private final StepNumbers steps;
  private CaDescription locked;
  private PlannedRestore planned;
  private boolean approved;
  private String aborted;
  private CurrentHealth healthBefore;
  /** Where the restored backup came from: "local" or an off-host copy's URI. */
  private String source = FetchReport.LOCAL;

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
    // The guards (same config on both sides, the CA's health) before the lock.
    progress.running(steps.verify(), where, "checking the CA's health before anything changes");
    RestoreGuards guards = new RestoreGuards(progress, steps.verify());
    guards.sameConfig(ca, request);
    healthBefore = guards.health(ca, refuseHealthy && request.refusesHealthy());
    log.info("CA {} before the restore: {}", ca.name(), healthBefore.detail());

    RestorePlan plan = verifyAndStage(ca, request, host, where, tag);
    try {
      awaitApproval(request, where);
    } catch (RuntimeException refused) {
      // Refused, expired or cancelled at the gate: only the staging beside the live data exists.
      discardStaging(host, ca, plan, tag);
      throw refused;
    }

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
      if (plan.databaseDump() != null) {
        // The files first: the database's switch reads the restored ca.json for its server.
        swap = merged(swap, database(host, where).switchDatabaseIn(ca.name(), plan, tag).asSwap());
      }
      progress.done(steps.swap(), swap.movedAside().isEmpty() ? "no live data was there (outage)"
          : "live data moved aside to " + String.join(", ", swap.movedAside()));
    } catch (ActivityFailure e) {
      // Put back whatever moved, start the CA as it was, then report.
      progress.failed(steps.swap(), Failures.rootMessage(e));
      Workflow.newDetachedCancellationScope(() -> {
        ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.SERVICE,
            progress.summary(steps.swap(), where)).swapBack(ca.name(), plan, tag);
        if (plan.databaseDump() != null) {
          try {
            database(host, where).switchDatabaseBack(ca.name(), plan, tag);
          } catch (ActivityFailure dbBack) {
            // The CA is started all the same: down is worse. The failure to report is the swap's.
            log.error("CA {}: database not switched back: {}", ca.name(), Failures.rootMessage(dbBack));
          }
        }
        startUntilHealthy(ca, where);
        discardStaging(host, ca, plan, tag);
      }).run();
      throw e;
    }

    long replacedAt = Workflow.currentTimeMillis();
    progress.running(steps.start(), where);
    try {
      StartReport start = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.START_RESTORED,
          progress.summary(steps.start(), where)).startCa(ca.name());
      HealthReport health = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED,
              ActivityPlans.probe(HEALTH_TIMEOUT_SECONDS), progress.summary(steps.start(), ca.url()))
          .awaitHealthy(ca.name(), HEALTH_TIMEOUT_SECONDS);
      progress.done(steps.start(), ca.url() + "/health ok " + (health.healthyAtMillis() - start.startedAtMillis()) + " ms after start");
      return new Restored(plan, tag, swap, stop, health, null, !swap.movedAside().isEmpty(), replacedAt, source);
    } catch (ActivityFailure e) {
      String why = Failures.rootMessage(e);
      progress.failed(steps.start(), "the restored CA did not come up: " + why);
      return new Restored(plan, tag, swap, stop, null, why, !swap.movedAside().isEmpty(), replacedAt, source);
    }
  }

  /**
   * Lock the CA (the first call to its host, so a missing worker is reported here, before
   * anything is touched), then one read that verifies the archive and extracts it beside the
   * live data while the CA runs. The activity trusts the staged data only after the whole read
   * and every check passed, and removes it otherwise; it is removed here too, whatever failed.
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
    String backup = request.backupOrLatest();
    if (request.from() != null || !ca.copiesOrEmpty().isEmpty()) {
      // The backup into the local store from the first store that holds it (local first), or
      // from the one --from names; verified below exactly like a local one.
      try {
        FetchReport fetched = ActivityPlans.stub(CopyActivities.class, host, ActivityPlans.BULK,
            progress.summary(steps.verify(), where)).fetch(ca.name(), backup, request.from());
        source = fetched.source();
        backup = fetched.backupId();
        log.info("backup {} of CA {} from {}", backup, ca.name(), source);
      } catch (ActivityFailure e) {
        progress.failed(steps.verify(), Failures.rootMessage(e));
        throw e;
      }
    }
    String chosen = backup;
    RestorePlan plan;
    try {
      plan = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.BULK,
              progress.summary(steps.verify(), where))
          .verifyAndStage(ca.name(), chosen, request.foreignRootAllowed(),
              request.allowedPaths(), tag);
    } catch (ActivityFailure e) {
      progress.failed(steps.verify(), Failures.rootMessage(e));
      Workflow.newDetachedCancellationScope(() -> {
        try {
          ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.QUICK, "Clean up staging · " + ca.name())
              .discardStagingOf(ca.name(), chosen, tag);
        } catch (ActivityFailure cleanup) {
          // The failure to report is the verification's; leftover staging is only a copy.
          log.warn("staging of {} not cleaned up: {}", tag, Failures.rootMessage(cleanup));
        }
      }).run();
      throw e;
    }
    progress.done(steps.verify(), "backup " + plan.backupId() + (FetchReport.LOCAL.equals(source) ? ""
        : " (from " + source + ")") + " verified: " + plan.files()
        + " entries, root " + plan.rootFingerprint().substring(0, 16) + "…");
    String loaded = "";
    if (plan.databaseDump() != null) {
      loaded = "; " + loadDump(ca, plan, host, where, tag);
    }
    planned = PlannedRestore.of(plan, tag, healthBefore);
    if (steps.stage() != steps.verify()) {
      progress.done(steps.stage(), plan.bytes() + " bytes staged, in the verifying read" + loaded);
    }
    return plan;
  }

  /**
   * An SQL CA's dump goes into its staging database now, while the CA still runs on its own
   * database, as the files are staged beside the live ones: the CA is then down only for the
   * switch (a RENAME TABLE), however large its database. A failure here leaves the live data as it
   * was; this run's staging (files and database) is removed.
   */
  private String loadDump(CaDescription ca, RestorePlan plan, String host, String where, String tag) {
    progress.running(steps.stage(), where, "loading the database dump into "
        + DatabaseNames.staging(plan.databaseDump().database(), tag) + "; CA still running");
    try {
      DatabaseStaging staged = ActivityPlans.stub(DatabaseRestoreActivities.class, host, ActivityPlans.BULK,
          progress.summary(steps.stage(), where)).loadDump(ca.name(), plan, tag);
      return "dump loaded into database " + staged.staging() + " on " + staged.address() + " (" + staged.tables()
          + " tables, " + staged.millis() + " ms)";
    } catch (ActivityFailure e) {
      progress.failed(steps.stage(), Failures.rootMessage(e));
      discardStaging(host, ca, plan, tag);
      throw e;
    }
  }

  private DatabaseRestoreActivities database(String host, String where) {
    return ActivityPlans.stub(DatabaseRestoreActivities.class, host, ActivityPlans.SERVICE,
        progress.summary(steps.swap(), where));
  }

  private static SwapReport merged(SwapReport files, SwapReport database) {
    java.util.List<String> aside = new java.util.ArrayList<>(files.movedAside());
    aside.addAll(database.movedAside());
    java.util.List<String> placed = new java.util.ArrayList<>(files.placed());
    placed.addAll(database.placed());
    return new SwapReport(aside, placed);
  }

  /**
   * The approval gate, when the request asks for one: the verified backup is staged and the CA
   * still runs on its live data, so a refusal, an unanswered deadline or a cancellation ends the
   * run with nothing of the live data changed (the caller discards the staging).
   */
  private void awaitApproval(RestoreRequest request, String where) {
    if (!request.needsApproval()) {
      if (steps.approval() != steps.verify()) {
        progress.skipped(steps.approval(), "not requested");
      }
      return;
    }
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
    if (aborted != null) {
      progress.failed(steps.approval(), "aborted: " + aborted);
      throw ApplicationFailure.newNonRetryableFailure("restore aborted before anything changed: "
          + aborted, "Aborted");
    }
    progress.done(steps.approval(), "approved");
  }

  /** Stop, put the moved-aside data back (the restored data is moved aside too), start. */
  public SwapReport rollback(CaDescription ca, Restored restored, RunbookStep step) {
    String host = TaskQueues.forHost(ca.host());
    String where = ca.name() + " on " + ca.host();
    SwapReport[] back = new SwapReport[1];
    Workflow.newDetachedCancellationScope(() -> {
      progress.running(step, where, "stopping the restored CA");
      ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(step, where)).stopCa(ca.name());
      back[0] = ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.SERVICE,
          progress.summary(step, where)).swapBack(ca.name(), restored.plan(), restored.tag());
      if (restored.plan().databaseDump() != null) {
        try {
          back[0] = merged(back[0], ActivityPlans.stub(DatabaseRestoreActivities.class, host, ActivityPlans.SERVICE,
              progress.summary(step, where)).switchDatabaseBack(ca.name(), restored.plan(), restored.tag()).asSwap());
        } catch (ActivityFailure e) {
          // The previous files are back: start the CA on whatever its database holds, then report.
          progress.failed(step, "previous files back, but the database was not switched back: "
              + Failures.rootMessage(e));
          startUntilHealthy(ca, where);
          throw e;
        }
      }
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

  /** Detached: a cancelled run still cleans up; a failed clean-up never hides why the run ended. */
  private void discardStaging(String host, CaDescription ca, RestorePlan plan, String tag) {
    Workflow.newDetachedCancellationScope(() -> {
      try {
        ActivityPlans.stub(RestoreActivities.class, host, ActivityPlans.QUICK, "Clean up staging · " + ca.name())
            .discardStaging(ca.name(), plan, tag);
        if (plan.databaseDump() != null) {
          ActivityPlans.stub(DatabaseRestoreActivities.class, host, ActivityPlans.QUICK,
              "Drop staging database · " + ca.name()).dropStagingDatabase(ca.name(), plan, tag);
        }
      } catch (ActivityFailure cleanup) {
        // Leftover staging is only a copy of the archive, never live data (the next restore drops
        // a dead run's staging database).
        log.warn("staging of {} not cleaned up: {}", tag, Failures.rootMessage(cleanup));
      }
    }).run();
  }
}
