package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** The runbook's restore procedure, validated, rolled back if the restored CA does not pass. */
public class RestoreWorkflowImpl implements RestoreWorkflow {
  static final int VERIFY = 1, APPROVAL = 2, STAGE = 3, STOP = 4, SWAP = 5, START = 6, VALIDATE = 7,
      ROLLBACK = 8;
  static final String CONCURRENT_CHECKLIST = "concurrent-checklist";
  static final String LOCAL_DESCRIBE = "local-describe";

  /** The steps, in order: what the progress query reports, and what the CLI draws before the run starts. */
  public static final List<String> STEPS = List.of(
      "Fetch and verify backup",
      "Approval",
      "Stage restored data (CA still running)",
      "Stop CA",
      "Move live data aside, put backup in place",
      "Start CA",
      "Validate: service, ACME, trust, issuance",
      "Roll back");
  private final Progress progress = new Progress(STEPS);
  private final RestoreProcedure procedure = new RestoreProcedure(progress,
      new RestoreProcedure.StepNumbers(VERIFY, APPROVAL, STAGE, STOP, SWAP, START));

  @Override
  public RestoreResult restore(RestoreRequest request) {
    try {
      return restoreLocked(request);
    } finally {
      procedure.release();
    }
  }

  private RestoreResult restoreLocked(RestoreRequest request) {
    if (request == null || request.ca() == null || request.ca().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "restore input needs a CA name, e.g. {\"ca\":\"main\",\"backup\":\"latest\"}", "BadInput");
    }
    // Version 1: describe (the config, read where the workflow runs) as a local activity.
    CaDescription ca = Workflow.getVersion(LOCAL_DESCRIBE, Workflow.DEFAULT_VERSION, 1) >= 1
        ? ActivityPlans.local(ProbeActivities.class, ActivityPlans.LOCAL_QUICK,
            progress.summary(VERIFY, request.ca())).describe(request.ca())
        : ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED, ActivityPlans.QUICK,
            progress.summary(VERIFY, request.ca())).describe(request.ca());
    RestoreProcedure.Restored r = procedure.restoreAndStart(ca, request, false);

    progress.running(VALIDATE, ca.url());
    List<ChecklistItem> checklist = new ArrayList<>();
    String summary = progress.summary(VALIDATE, ca.url());
    if (r.startFailure() != null) {
      checklist.addAll(Checklists.serviceStatus(ca, summary));
    } else if (Workflow.getVersion(CONCURRENT_CHECKLIST, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // Version 1: the four checks are independent of each other; all at once, then in order.
      List<Promise<List<ChecklistItem>>> all = List.of(
          Async.function(() -> Checklists.serviceStatus(ca, summary)),
          Async.function(() -> Checklists.acme(ca, summary)),
          Async.function(() -> Checklists.trust(ca, summary)),
          Async.function(() -> Checklists.issuance(ca, summary)));
      for (Promise<List<ChecklistItem>> p : all) {
        checklist.addAll(p.get());
      }
    } else {
      checklist.addAll(Checklists.serviceStatus(ca, summary));
      checklist.addAll(Checklists.acme(ca, summary));
      checklist.addAll(Checklists.trust(ca, summary));
      checklist.addAll(Checklists.issuance(ca, summary));
    }
    checklist = Checklists.ordered(checklist);
    boolean ok = r.startFailure() == null && Checklists.allPassed(checklist);
    long downtime = r.health() == null ? -1 : r.health().healthyAtMillis() - r.stop().requestedAtMillis();
    if (ok) {
      progress.done(VALIDATE, "all " + checklist.size() + " checks passed");
      progress.skipped(ROLLBACK, "not needed");
      return new RestoreResult(true, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "backup " + r.plan().backupId() + " restored and validated",
          checklist);
    }
    String failure = r.startFailure() != null ? "the restored CA did not start: " + r.startFailure()
        : Checklists.failures(checklist);
    progress.failed(VALIDATE, failure);
    if (!request.rollbackOnFailure()) {
      progress.skipped(ROLLBACK, "rollback: false — restored data left in place for examination");
      return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "validation failed (" + failure + "); restored data left in"
              + " place, previous data at " + String.join(", ", r.swap().movedAside()), checklist);
    }
    if (!r.canRollBack()) {
      progress.skipped(ROLLBACK, "nothing to roll back to: no live data was there before");
      return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "validation failed (" + failure + "); there was no previous"
              + " data to roll back to", checklist);
    }
    SwapReport back = procedure.rollback(ca, r, ROLLBACK);
    List<String> aside = new ArrayList<>(r.swap().movedAside());
    aside.addAll(back.movedAside());
    return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), true, aside,
        r.plan().roots(), downtime, "validation failed (" + failure + "); rolled back: the previous data serves again,"
            + " the failed restore lies at " + String.join(", ", back.movedAside()), checklist);
  }

  @Override
  public void approve(String by) {
    procedure.approve(by);
  }

  @Override
  public void abort(String reason) {
    procedure.abort(reason);
  }

  @Override
  public io.stepcarecovery.restore.PlannedRestore plannedRestore() {
    return procedure.planned();
  }

  @Override
  public List<Step> progress() {
    return progress.steps();
  }
}
