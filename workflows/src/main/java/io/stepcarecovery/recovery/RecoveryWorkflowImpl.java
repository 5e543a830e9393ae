package io.stepcarecovery.recovery;

import static io.stepcarecovery.recovery.RecoveryStep.ACME;
import static io.stepcarecovery.recovery.RecoveryStep.HTTPS;
import static io.stepcarecovery.recovery.RecoveryStep.INGRESS;
import static io.stepcarecovery.recovery.RecoveryStep.ISSUANCE;
import static io.stepcarecovery.recovery.RecoveryStep.RESTORE;
import static io.stepcarecovery.recovery.RecoveryStep.START;

import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.ingress.AcmeAccountOutcome;
import io.stepcarecovery.probe.Platform;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.restore.LossesReport;
import io.stepcarecovery.restore.PlannedRestore;
import io.stepcarecovery.restore.ProcedureRun;
import io.stepcarecovery.restore.RestoreProcedure;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.restore.SwapReport;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Full TLS outage, in the runbook's recovery order. The ACME, issuance and HTTPS steps do not
 * stop the recovery when they fail: every step still runs, and the checklist says what is
 * wrong and what to do. Only a CA that will not start with the restored data is rolled back.
 */
public class RecoveryWorkflowImpl implements RecoveryWorkflow {
  private final Progress progress = new Progress(RecoveryStep.values());
  private final ProcedureRun run = new ProcedureRun(progress,
      new RestoreProcedure.StepNumbers(RESTORE, RESTORE, RESTORE, RESTORE, RESTORE, START));
  private final RestoreProcedure procedure = run.procedure();

  @Override
  public RecoveryResult recover(RestoreRequest request) {
    return run.run(request, "recovery", this::recoverLocked);
  }

  private RecoveryResult recoverLocked(RestoreRequest request) {
    // What "a certificate issued after the recovery started" is measured against.
    long recoveryStartMillis = Workflow.currentTimeMillis();
    Platform platform = run.describer(request.ca()).describePlatform(request.ca());
    CaDescription ca = platform.ca();
    RestoreProcedure.Restored r = procedure.restoreAndStart(ca, request, true);
    List<ChecklistItem> checklist = new ArrayList<>();

    if (r.startFailure() != null) {
      checklist.addAll(Checklists.serviceStatus(ca, progress.summary(START, ca.name())));
      for (RecoveryStep s : EnumSet.range(ACME, INGRESS)) {
        progress.skipped(s, "the CA is not running");
      }
      // The services still serve their certificates: how long they have is the TLS countdown,
      // which the checklist puts first while the CA is down (read-only checks).
      if (platform.services().isEmpty()) {
        progress.skipped(HTTPS, "the CA is not running; no services configured");
      } else {
        progress.running(HTTPS, platform.services().size() + " service(s), the CA down");
        List<ChecklistItem> services = Checklists.services(ca, platform.services(), progress.summary(HTTPS, ""));
        report(HTTPS, services);
        checklist.addAll(services);
      }
      boolean rolledBack = false;
      List<String> aside = new ArrayList<>(r.swap().movedAside());
      if (r.canRollBack() && request.rollbackOnFailure()) {
        SwapReport back = procedure.rollback(ca, r, START);
        aside.addAll(back.movedAside());
        rolledBack = true;
      }
      return new RecoveryResult(false, ca.name(), r.plan().backupId(), r.plan().archive(), rolledBack,
          aside, r.plan().roots(), -1, "the restored CA did not start: " + r.startFailure()
              + (rolledBack ? "; rolled back to the previous data" : ""), Checklists.ordered(checklist), List.of(),
          LossesReport.compose(ca, r.plan(), r.tag(), r.swap().movedAside(), rolledBack, platform.ingress(),
              r.replacedAtMillis()), r.source());
    }

    progress.running(ACME, ca.url());
    List<ChecklistItem> acme = Checklists.acme(ca, progress.summary(ACME, ca.url()));
    report(ACME, acme);
    checklist.addAll(acme);

    progress.running(ISSUANCE, ca.url());
    List<ChecklistItem> issuance = Checklists.issuance(ca, progress.summary(ISSUANCE, ca.url()));
    report(ISSUANCE, issuance);
    checklist.addAll(issuance);

    IngressStep ingress = new IngressStep(progress);
    List<AcmeAccountOutcome> acmeAccounts = ingress.run(platform, ca.name(), request.clearsAcmeAccount(),
        recoveryStartMillis);

    progress.running(HTTPS, platform.services().size() + " service(s)");
    List<ChecklistItem> services = platform.services().isEmpty() ? List.of()
        : Checklists.services(ca, platform.services(), progress.summary(HTTPS, ""));
    if (platform.services().isEmpty()) {
      progress.skipped(HTTPS, "no services configured");
    } else {
      report(HTTPS, services);
    }
    checklist.addAll(services);

    // The rest of the runbook's checklist: service status and trust, for the final report.
    // The two are independent; both at once.
    Promise<List<ChecklistItem>> status = Async.function(() ->
        Checklists.serviceStatus(ca, "Checklist · service status · " + ca.name()));
    Promise<List<ChecklistItem>> trust = Async.function(() ->
        Checklists.trust(ca, "Checklist · trust · " + ca.url()));
    checklist.addAll(status.get());
    checklist.addAll(trust.get());
    checklist = Checklists.ordered(checklist);
    boolean ok = Checklists.allPassed(checklist);
    List<AcmeAccountOutcome> broken = acmeAccounts.stream().filter(a -> !a.fixedOrFine()).toList();
    long downtime = r.health().healthyAtMillis() - r.stop().requestedAtMillis();
    String message = ok ? "recovered from backup " + r.plan().backupId()
        + "; " + Checklists.tally(checklist) : "recovered from backup " + r.plan().backupId()
        + " with failed checks: " + Checklists.failures(checklist);
    if (ingress.failure() != null && acmeAccounts.isEmpty() && platform.ingress().stream()
        .anyMatch(Platform.Ingress::hasAcmeJson)) {
      // Its ACME accounts could not be checked: the ingress may be as broken as before.
      message += "; the ingress's ACME accounts were not checked: " + ingress.failure();
      ok = false;
    }
    if (!broken.isEmpty()) {
      message += "; ACME accounts of the ingress not fixed: " + String.join("; ",
          broken.stream().map(AcmeAccountOutcome::summary).toList());
    }
    // The configured ACME clients the recovery cleared and saw get a new certificate: the losses
    // section says which clients still have to re-register by hand.
    List<String> fixed = acmeAccounts.stream().filter(a -> a.cleared() && a.fixedOrFine())
        .map(a -> a.ingress() + " (" + a.resolver() + ")").toList();
    return new RecoveryResult(ok && broken.isEmpty(), ca.name(), r.plan().backupId(), r.plan().archive(), false,
        r.swap().movedAside(), r.plan().roots(), downtime, message, checklist, acmeAccounts,
        LossesReport.compose(ca, r.plan(), r.tag(), r.swap().movedAside(), false, platform.ingress(),
            r.replacedAtMillis()).withFixedAcmeClients(fixed), r.source());
  }

  private void report(RecoveryStep step, List<ChecklistItem> items) {
    if (Checklists.allPassed(items)) {
      progress.done(step, String.join("; ", items.stream().map(ChecklistItem::detail).toList()));
    } else {
      progress.failed(step, Checklists.failures(items));
    }
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
