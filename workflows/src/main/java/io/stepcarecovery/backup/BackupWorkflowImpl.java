package io.stepcarecovery.backup;

import static io.stepcarecovery.backup.BackupStep.ARCHIVE;
import static io.stepcarecovery.backup.BackupStep.COPY;
import static io.stepcarecovery.backup.BackupStep.HEALTH;
import static io.stepcarecovery.backup.BackupStep.PREFLIGHT;
import static io.stepcarecovery.backup.BackupStep.PRUNE;
import static io.stepcarecovery.backup.BackupStep.PUBLISH;
import static io.stepcarecovery.backup.BackupStep.SNAPSHOT;
import static io.stepcarecovery.backup.BackupStep.START;
import static io.stepcarecovery.backup.BackupStep.STOP;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.CaServiceActivities;
import io.stepcarecovery.ca.CaStarter;
import io.stepcarecovery.ca.HostGate;
import io.stepcarecovery.ca.LockReport;
import io.stepcarecovery.ca.SameConfig;
import io.stepcarecovery.ca.ServiceStatus;
import io.stepcarecovery.ca.StopReport;
import io.stepcarecovery.copies.CopyActivities;
import io.stepcarecovery.copies.CopyReport;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;

/**
 * The runbook's backup procedure, with the CA down only for the snapshot copy:
 * describe → preflight → stop → snapshot → start → /health → archive → publish+verify → prune.
 * Whatever fails or is cancelled after the stop, the CA is started again (see {@link CaStarter}).
 * A CA on MySQL is never stopped: its database is dumped online (the plan says so).
 */
public class BackupWorkflowImpl implements BackupWorkflow {
  private static final Logger log = Workflow.getLogger(BackupWorkflowImpl.class);
  static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Progress progress = new Progress(BackupStep.values());

  @Override
  public List<Step> progress() {
    return progress.steps();
  }

  @Override
  public BackupResult backup(BackupRequest request) {
    if (request == null || request.ca() == null || request.ca().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "backup input needs a CA name, e.g. {\"ca\":\"main\",\"reason\":\"pre-upgrade\"}", "BadInput");
    }
    String reason = request.reason() == null ? "" : request.reason();
    long startedAt = Workflow.currentTimeMillis();
    String backupId = ID_TIME.format(Instant.ofEpochMilli(startedAt)) + "-"
        + Workflow.randomUUID().toString().substring(0, 4);

    progress.running(PREFLIGHT, request.ca());
    CaDescription ca = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED,
        ActivityPlans.QUICK, progress.summary(PREFLIGHT, request.ca())).describe(request.ca());
    // The worker's view of the CA compared with the command's, before anything stops.
    SameConfig.check(progress, PREFLIGHT, ca, request.expect(), ActivityPlans.stub(ProbeActivities.class,
        TaskQueues.SHARED, ActivityPlans.QUICK, progress.summary(PREFLIGHT, "config of " + ca.name())));
    String host = TaskQueues.forHost(ca.host());
    String where = ca.name() + " on " + ca.host();
    BackupPlan plan;
    ServiceStatus status;
    String owner = Workflow.getInfo().getWorkflowId();
    boolean locked = false;
    LockReport lock;
    try {
      int deadline = HostGate.deadline(request.workerDeadlineSeconds());
      BackupActivities gated = ActivityPlans.stub(BackupActivities.class, host,
          HostGate.options(ActivityPlans.QUICK, deadline), progress.summary(PREFLIGHT, where));
      plan = HostGate.call(progress, PREFLIGHT, ca.host(), deadline,
          () -> gated.preflight(ca.name(), request.isConfigOnly()));
      lock = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.QUICK,
          progress.summary(PREFLIGHT, where)).lockCa(ca.name(), owner);
      locked = true;
      status = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.QUICK,
          progress.summary(PREFLIGHT, where)).caStatus(ca.name());
    } catch (ActivityFailure | ApplicationFailure e) {
      progress.failed(PREFLIGHT, Failures.rootMessage(e));
      if (locked) {
        unlock(host, ca, owner);
      }
      throw e;
    }
    String tookOver = lock == null ? null : lock.tookOver(); // null in histories from before the report
    if (tookOver != null) {
      log.warn("CA {}: run lock taken over: found {}", ca.name(), tookOver);
    }
    progress.done(PREFLIGHT, plan.dbType() + ", " + plan.roots().size() + " path(s), ~"
        + plan.estimatedBytes() / 1024 + " KiB; CA " + (status.running() ? "running" : "not running")
        + (tookOver == null ? "" : "; lock taken over: found " + tookOver));

    StopReport stop = null;
    CaStarter.Started started = null;
    try {
      SnapshotReport snapshot;
      if (plan.isOnline()) {
        // An SQL database is dumped in one consistent snapshot while step-ca keeps issuing:
        // nothing to stop, so nothing to start again.
        progress.skipped(STOP, "online backup: the " + plan.dbType() + " database is dumped while the CA runs");
        snapshot = snapshot(ca, host, where, backupId, plan);
        progress.skipped(START, "online backup: the CA was never stopped");
        progress.skipped(HEALTH, "");
      } else if (status.running()) {
        progress.running(STOP, where);
        stop = ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.SERVICE,
            progress.summary(STOP, where)).stopCa(ca.name());
        progress.done(STOP, "stopped in " + (stop.stoppedAtMillis() - stop.requestedAtMillis()) + " ms");
        try {
          snapshot = snapshot(ca, host, where, backupId, plan);
        } finally {
          started = startAgain(ca, where);
        }
      } else {
        // A CA that was down before is backed up as it lies and left as we found it.
        progress.skipped(STOP, "CA was not running: " + status.detail());
        snapshot = snapshot(ca, host, where, backupId, plan);
        progress.skipped(START, "CA was not running before the backup; left stopped");
        progress.skipped(HEALTH, "");
      }

      progress.running(ARCHIVE, where, snapshot.files() + " files");
      ArchiveReport archive = ActivityPlans.stub(BackupActivities.class, host, ActivityPlans.BULK,
          progress.summary(ARCHIVE, where))
          .archive(ca.name(), backupId, reason, Instant.ofEpochMilli(startedAt).toString(), plan);
      progress.done(ARCHIVE, archive.sizeBytes() + " bytes, " + archive.files() + " entries");

      // The CA runs again (or never stopped): its downtime is known, and goes into the record
      // so that the worker's metric survives a restart.
      long downtime = stop == null ? 0
          : started.health().healthyAtMillis() - stop.requestedAtMillis();
      long window = stop == null ? 0
          : Math.max(0, started.start().startedAtMillis() - stop.stoppedAtMillis());

      progress.running(PUBLISH, where);
      StoredBackup stored = ActivityPlans.stub(BackupActivities.class, host, ActivityPlans.BULK,
          progress.summary(PUBLISH, where)).publish(ca.name(), backupId, archive, downtime);
      progress.done(PUBLISH, stored.archive() + " (sha256 " + stored.sha256().substring(0, 12) + "…)");

      // The CA already runs again: copies never lengthen its downtime.
      List<CopyReport> copies = copies(ca, host, where, stored.backupId());

      progress.running(PRUNE, where);
      // Prune is told which backup this run made, and never deletes it.
      PruneReport pruned = ActivityPlans.stub(BackupActivities.class, host, ActivityPlans.QUICK,
          progress.summary(PRUNE, where)).prune(ca.name(), stored.backupId());
      progress.done(PRUNE, "kept " + pruned.kept() + ", deleted " + pruned.deleted().size()
          + (pruned.futureDated() == null || pruned.futureDated().isEmpty() ? ""
              : "; dated in the future (ranked last, check that host's clock): "
                  + String.join(", ", pruned.futureDated())));

      return new BackupResult(stored.backupId(), ca.name(), stored.archive(), stored.sha256(),
          stored.sizeBytes(), downtime, window, stored.rootFingerprint(),
          stored.intermediateFingerprint(), stored.dbType(), plan.isOnline() ? status.running() : stop != null,
          pruned.deleted(), copies, plan.isOnline() ? Boolean.TRUE : null);
    } catch (ActivityFailure e) {
      progress.failRunning(Failures.rootMessage(e));
      throw e;
    } finally {
      Workflow.newDetachedCancellationScope(() ->
          ActivityPlans.stub(BackupActivities.class, host, ActivityPlans.QUICK,
              "Clean up work area · " + where).discardWork(ca.name(), backupId)).run();
      unlock(host, ca, owner);
    }
  }

  private static void unlock(String host, CaDescription ca, String owner) {
    Workflow.newDetachedCancellationScope(() ->
        ActivityPlans.stub(CaServiceActivities.class, host, ActivityPlans.QUICK,
            "Release CA · " + ca.name()).unlockCa(ca.name(), owner)).run();
  }

  /**
   * Writes the published backup to every configured off-host store at once, each its own
   * activity on the CA host, and reads each back. A failed copy is reported, not thrown: the
   * others stay, and the result says which failed and why.
   */
  private List<CopyReport> copies(CaDescription ca, String host, String where, String backupId) {
    List<String> uris = ca.copiesOrEmpty();
    if (uris.isEmpty()) {
      progress.skipped(COPY, "no off-host copies configured");
      return List.of();
    }
    progress.running(COPY, where, uris.size() + " store(s)");
    List<Promise<CopyReport>> running = new ArrayList<>();
    for (String uri : uris) {
      CopyActivities stub = ActivityPlans.stub(CopyActivities.class, host, ActivityPlans.COPY,
          progress.summary(COPY, uri));
      running.add(Async.function(stub::copy, ca.name(), backupId, uri));
    }
    List<CopyReport> reports = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      try {
        reports.add(running.get(i).get());
      } catch (ActivityFailure e) {
        reports.add(CopyReport.failed(uris.get(i), Failures.rootMessage(e)));
      }
    }
    List<String> failed = reports.stream().filter(r -> !r.verified())
        .map(r -> r.uri() + ": " + r.error()).toList();
    if (failed.isEmpty()) {
      progress.done(COPY, uris.size() + " verified: " + String.join(", ", uris));
    } else {
      log.error("backup {}: {} of {} off-host copies failed: {}", backupId, failed.size(), uris.size(), failed);
      progress.failed(COPY, failed.size() + " of " + uris.size() + " failed: " + String.join("; ", failed));
    }
    return reports;
  }

  private SnapshotReport snapshot(CaDescription ca, String host, String where, String backupId,
      BackupPlan plan) {
    progress.running(SNAPSHOT, where);
    SnapshotReport snapshot = ActivityPlans.stub(BackupActivities.class, host, ActivityPlans.BULK,
        progress.summary(SNAPSHOT, where)).snapshot(ca.name(), backupId, plan);
    progress.done(SNAPSHOT, snapshot.files() + " files, " + snapshot.bytes() + " bytes in "
        + snapshot.millis() + " ms");
    return snapshot;
  }

  private CaStarter.Started startAgain(CaDescription ca, String where) {
    progress.running(START, where);
    CaStarter.Started started = new CaStarter(ca).startUntilHealthy(
        progress.summary(START, where), progress.summary(HEALTH, ca.url()),
        stillDown -> {
          progress.failed(START, stillDown);
          log.error("{}", stillDown);
        });
    progress.done(START, started.rounds() == 1 ? "started" : "started after " + started.rounds() + " rounds");
    progress.done(HEALTH, ca.url() + "/health ok");
    return started;
  }
}
