package io.stepcarecovery.restore;

import static io.stepcarecovery.restore.RestoreStep.APPROVAL;
import static io.stepcarecovery.restore.RestoreStep.ROLLBACK;
import static io.stepcarecovery.restore.RestoreStep.STAGE;
import static io.stepcarecovery.restore.RestoreStep.START;
import static io.stepcarecovery.restore.RestoreStep.STOP;
import static io.stepcarecovery.restore.RestoreStep.SWAP;
import static io.stepcarecovery.restore.RestoreStep.VALIDATE;
import static io.stepcarecovery.restore.RestoreStep.VERIFY;

import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.List;

/** The runbook's restore procedure, validated, rolled back if the restored CA does not pass. */
public class RestoreWorkflowImpl implements RestoreWorkflow {
  private final Progress progress = new Progress(RestoreStep.values());
  private final ProcedureRun run = new ProcedureRun(progress,
      new RestoreProcedure.StepNumbers(VERIFY, APPROVAL, STAGE, STOP, SWAP, START));
  private final RestoreProcedure procedure = run.procedure();

  @Override
  public RestoreResult restore(RestoreRequest request) {
    return run.run(request, "restore", this::restoreLocked);
  }

  private RestoreResult restoreLocked(RestoreRequest request) {
    CaDescription ca = run.describer(request.ca()).describe(request.ca());
    RestoreProcedure.Restored r = procedure.restoreAndStart(ca, request, false);

    progress.running(VALIDATE, ca.url());
    List<ChecklistItem> checklist = new ArrayList<>();
    String summary = progress.summary(VALIDATE, ca.url());
    if (r.startFailure() != null) {
      checklist.addAll(Checklists.serviceStatus(ca, summary));
    } else {
      // The four checks are independent of each other; all at once, then in order.
      List<Promise<List<ChecklistItem>>> all = List.of(
          Async.function(() -> Checklists.serviceStatus(ca, summary)),
          Async.function(() -> Checklists.acme(ca, summary)),
          Async.function(() -> Checklists.trust(ca, summary)),
          Async.function(() -> Checklists.issuance(ca, summary)));
      for (Promise<List<ChecklistItem>> p : all) {
        checklist.addAll(p.get());
      }
    }
    checklist = Checklists.ordered(checklist);
    boolean ok = r.startFailure() == null && Checklists.allPassed(checklist);
    long downtime = r.health() == null ? -1 : r.health().healthyAtMillis() - r.stop().requestedAtMillis();
    if (ok) {
      progress.done(VALIDATE, "all " + checklist.size() + " checks passed");
      progress.skipped(ROLLBACK, "not needed");
      return new RestoreResult(true, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "backup " + r.plan().backupId() + " restored and validated",
          checklist, r.source());
    }
    String failure = r.startFailure() != null ? "the restored CA did not start: " + r.startFailure()
        : Checklists.failures(checklist);
    progress.failed(VALIDATE, failure);
    if (!request.rollbackOnFailure()) {
      progress.skipped(ROLLBACK, "rollback: false — restored data left in place for examination");
      return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "validation failed (" + failure + "); restored data left in"
              + " place, previous data at " + String.join(", ", r.swap().movedAside()), checklist, r.source());
    }
    if (!r.canRollBack()) {
      progress.skipped(ROLLBACK, "nothing to roll back to: no live data was there before");
      return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), false,
          r.swap().movedAside(), r.plan().roots(), downtime, "validation failed (" + failure + "); there was no previous"
              + " data to roll back to", checklist, r.source());
    }
    SwapReport back = procedure.rollback(ca, r, ROLLBACK);
    List<String> aside = new ArrayList<>(r.swap().movedAside());
    aside.addAll(back.movedAside());
    return new RestoreResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), true, aside,
        r.plan().roots(), downtime, "validation failed (" + failure + "); rolled back: the previous data serves again,"
            + " the failed restore lies at " + String.join(", ", back.movedAside()), checklist, r.source());
  }

  @Override
  public void approve(String by) {
    run.approve(by);
  }

  @Override
  public void abort(String reason) {
    run.abort(reason);
  }

  @Override
  public PlannedRestore plannedRestore() {
    return run.planned();
  }

  @Override
  public List<Step> progress() {
    return run.progress();
  }
}
