package io.stepcarecovery.drill;

import static io.stepcarecovery.drill.DrillStep.CHECK;
import static io.stepcarecovery.drill.DrillStep.CLEANUP;
import static io.stepcarecovery.drill.DrillStep.RECORD;
import static io.stepcarecovery.drill.DrillStep.START;
import static io.stepcarecovery.drill.DrillStep.VERIFY;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.HostGate;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.copies.CopyActivities;
import io.stepcarecovery.copies.FetchReport;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * A restore drill: verify and extract the backup into a sandbox on the drill host → start a
 * sandbox step-ca on a loopback port → check it → stop and remove it, always (a detached scope,
 * as the backup's compensation does). The production CA is never called: every activity here
 * is the drill's own, on the drill host, or the shared describe.
 *
 * <p>A backup that does not restore is a failed drill ({@code ok=false}, with the diagnoses), not
 * a failed workflow: the drill worked, the backup did not.
 */
public class DrillWorkflowImpl implements DrillWorkflow {
  private static final Logger log = Workflow.getLogger(DrillWorkflowImpl.class);
  /**
   * The sandbox start waits for /health itself (drill.startTimeoutSeconds, at most 600),
   * heartbeating; one retry covers a lost worker.
   */
  private static final int START_SLACK_SECONDS = 600;
  /**
   * The checks make network calls with their own timeouts and do not heartbeat (a full ACME order
   * may take a while): bounded as a whole, retried once.
   */
  private static final ActivityOptions CHECKS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(java.time.Duration.ofMinutes(5))
      .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(2).build())
      .build();

  private final Progress progress = new Progress(DrillStep.values());
  /** The backup drilled, once known ("latest" resolved): what the drill record is kept for. */
  private String knownBackupId;

  @Override
  public List<Step> progress() {
    return progress.steps();
  }

  @Override
  public DrillResult drill(DrillRequest request) {
    if (request == null || request.ca() == null || request.ca().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("drill input needs a CA name, e.g."
          + " {\"ca\":\"main\",\"backup\":\"latest\"}", "BadInput");
    }
    long startedAt = Workflow.currentTimeMillis();
    // Unique per run and safe as a file, unit and container name.
    String drillId = "drill-" + BackupIds.TIME.format(Instant.ofEpochMilli(startedAt)) + "-"
        + Workflow.randomUUID().toString().substring(0, 8);

    progress.running(VERIFY, request.ca());
    CaDescription ca = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED, ActivityPlans.QUICK,
        progress.summary(VERIFY, request.ca())).describe(request.ca());
    String drillHost = ActivityPlans.stub(DrillActivities.class, TaskQueues.SHARED, ActivityPlans.QUICK,
        progress.summary(VERIFY, ca.name())).drillHost(ca.name());
    String queue = TaskQueues.forHost(drillHost);
    String where = ca.name() + " drill on " + drillHost;
    List<ChecklistItem> checklist = new ArrayList<>();
    Sandbox sandbox = null;
    SandboxStart start = null;
    SandboxCheck check = null;
    String failure = null;
    try {
      int deadline = HostGate.deadline(request.workerDeadlineSeconds());
      String backup = request.backupOrLatest();
      String source = FetchReport.LOCAL;
      if (request.from() != null || !ca.copiesOrEmpty().isEmpty()) {
        // Into the CA's store from the first store that holds it (local first), or from --from,
        // as a restore fetches it; then verified below like any local backup.
        try {
          FetchReport fetched = ActivityPlans.stub(CopyActivities.class, TaskQueues.forHost(ca.host()),
              HostGate.options(ActivityPlans.BULK, deadline), progress.summary(VERIFY, ca.name()))
              .fetch(ca.name(), backup, request.from());
          backup = fetched.backupId();
          source = fetched.source();
        } catch (ActivityFailure e) {
          failure = "the backup could not be fetched: " + Failures.rootMessage(e);
          progress.failed(VERIFY, failure);
          checklist.add(ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, "Backup restores", failure,
              "The backup is in no store this host can read", "Check the backup id and the copies (stepca-recovery backups)"));
          return finish(ca, request, drillId, drillHost, startedAt, checklist, failure, null, null, null, where, queue);
        }
      }
      String resolved = backup;
      knownBackupId = "latest".equals(backup) ? null : backup;
      String from = FetchReport.LOCAL.equals(source) ? null : source;
      DrillActivities gated = ActivityPlans.stub(DrillActivities.class, queue,
          HostGate.options(ActivityPlans.BULK, deadline), progress.summary(VERIFY, where));
      try {
        sandbox = HostGate.call(progress, VERIFY, drillHost, deadline,
            () -> gated.prepare(ca.name(), resolved, from, drillId));
      } catch (ActivityFailure e) {
        // The backup did not verify or extract: a failed drill, the reason as a restore gives it.
        failure = Failures.rootMessage(e);
        progress.failed(VERIFY, failure);
        boolean config = e.getCause() instanceof ApplicationFailure af && "BadInput".equals(af.getType());
        checklist.add(config
            ? ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, "Drill configured", failure,
                "The drill host's config does not allow this drill (nothing was extracted)",
                "Fix the drill section of the config on " + drillHost + " and restart its worker")
            : ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, "Backup restores", failure,
                "The backup does not verify or extract as a restore would need it",
                "Pick another backup (stepca-recovery backups) and drill it; make a new backup"));
      }
      if (sandbox != null) {
        progress.done(VERIFY, "backup " + sandbox.backupId() + (from == null ? "" : " (from " + from + ")")
            + " verified and extracted: " + sandbox.files()
            + " entries into " + sandbox.dir()
            + (sandbox.cleanedUp().isEmpty() ? "" : "; removed left-behind " + String.join(", ", sandbox.cleanedUp())));
        progress.running(START, where, sandbox.url());
        Sandbox s = sandbox;
        start = ActivityPlans.stub(DrillActivities.class, queue, startPlan(), progress.summary(START, where))
            .start(ca.name(), s);
        checklist.addAll(start.items());
        if (!start.healthy()) {
          failure = "the sandbox step-ca did not come up: " + Checklists.failures(start.items());
          progress.failed(START, failure);
        } else {
          progress.done(START, start.backend() + ": " + sandbox.url() + "/health ok "
              + (start.healthyAtMillis() - startedAt) + " ms after the drill started");
          progress.running(CHECK, sandbox.url());
          check = ActivityPlans.stub(DrillActivities.class, queue, CHECKS,
              progress.summary(CHECK, sandbox.url())).check(ca.name(), s);
          checklist.addAll(check.items());
          if (Checklists.allPassed(check.items())) {
            progress.done(CHECK, "all " + check.items().size() + " checks passed");
          } else {
            failure = Checklists.failures(check.items());
            progress.failed(CHECK, failure);
          }
        }
      }
    } catch (ActivityFailure e) {
      failure = Failures.rootMessage(e);
      progress.failRunning(failure);
      checklist.add(ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, "Drill completed", failure,
          "The drill itself could not run a step", "Read the message; check the drill host's worker and config"));
    } finally {
      cleanUp(where, queue, ca, drillId);
    }
    return finish(ca, request, drillId, drillHost, startedAt, checklist, failure, sandbox, start, check, where, queue);
  }

  /** Always, also when the run is cancelled: a sandbox must not outlive its drill. */
  private void cleanUp(String where, String queue, CaDescription ca, String drillId) {
    Workflow.newDetachedCancellationScope(() -> {
      progress.running(CLEANUP, where);
      try {
        ActivityPlans.stub(DrillActivities.class, queue, ActivityPlans.SERVICE, progress.summary(CLEANUP, where))
            .remove(ca.name(), drillId);
        progress.done(CLEANUP, "sandbox " + drillId + " stopped and removed");
      } catch (ActivityFailure e) {
        // The next drill removes it (its marker names it); the drill's own outcome stands.
        progress.failed(CLEANUP, Failures.rootMessage(e) + " (the next drill removes it)");
        log.warn("sandbox {} not removed: {}", drillId, Failures.rootMessage(e));
      }
    }).run();
  }

  private DrillResult finish(CaDescription ca, DrillRequest request, String drillId, String drillHost,
      long startedAt, List<ChecklistItem> checklist, String failure, Sandbox sandbox, SandboxStart start,
      SandboxCheck check, String where, String queue) {
    List<ChecklistItem> ordered = Checklists.ordered(checklist);
    boolean ok = failure == null && sandbox != null && Checklists.allPassed(ordered);
    long rto = start != null && start.healthy() ? start.healthyAtMillis() - startedAt : -1;
    long issuance = check != null && check.issuedAtMillis() > 0 ? check.issuedAtMillis() - startedAt : -1;
    String backupId = sandbox != null ? sandbox.backupId() : knownBackupId != null ? knownBackupId
        : request.backupOrLatest();
    String summary = ok ? "backup " + backupId + " restores: sandbox healthy " + rto + " ms after the drill"
        + " started, first certificate at " + issuance + " ms"
        : "backup " + backupId + " did not pass the drill: " + (failure != null ? failure : Checklists.failures(ordered));
    String recordId = sandbox != null ? sandbox.backupId() : knownBackupId;
    if (recordId != null) {
      progress.running(RECORD, ca.name());
      String finished = Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
      DrillRecord record = new DrillRecord(recordId, drillId, ok, finished, rto, issuance,
          ok ? null : firstFailure(ordered, failure));
      try {
        ActivityPlans.stub(DrillActivities.class, TaskQueues.forHost(ca.host()), ActivityPlans.QUICK,
            progress.summary(RECORD, ca.name())).record(ca.name(), record);
        progress.done(RECORD, recordId + ".drill.json in the store");
      } catch (ActivityFailure e) {
        progress.failed(RECORD, Failures.rootMessage(e));
      }
    } else {
      progress.skipped(RECORD, "no backup was resolved");
    }
    Workflow.setCurrentDetails(summary);
    return new DrillResult(ok, ca.name(), drillId, backupId, drillHost,
        start == null ? null : start.backend(), ordered, rto, issuance, summary);
  }

  private static ActivityOptions startPlan() {
    return ActivityOptions.newBuilder(ActivityPlans.probe(START_SLACK_SECONDS))
        .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(2).build())
        .build();
  }

  private static String firstFailure(List<ChecklistItem> items, String failure) {
    return items.stream().filter(ChecklistItem::isFailed).findFirst()
        .map(i -> i.item() + ": " + (i.diagnosis() != null ? i.diagnosis() : i.detail())).orElse(failure);
  }

  /** Not a workflow clock: only the id's format. */
  private static final class BackupIds {
    static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
        .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);
  }
}
