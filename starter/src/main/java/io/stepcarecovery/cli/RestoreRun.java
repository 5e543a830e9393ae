package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.config.CaViews;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.worker.EmbeddedStart;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowOptions;
import io.stepcarecovery.progress.RunbookStep;
import io.stepcarecovery.recovery.RecoveryStep;
import io.stepcarecovery.restore.RestoreStep;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * What restore and recover share: both replace a CA's live data from a backup, behind the same
 * approval gate, and end with a checklist. Only the workflow and its wording differ.
 *
 * @param workflowType the registered workflow type (RestoreWorkflow, RecoveryWorkflow)
 * @param approvalStep the progress step that waits for approval
 */
record RestoreRun(String kind, String workflowType, String details, String doing, int approvalStep) {

  /** The workflow's steps, as its progress query will report them. */
  List<String> plannedSteps() {
    return switch (workflowType) {
      case "RestoreWorkflow" -> RunbookStep.labels(RestoreStep.values());
      case "RecoveryWorkflow" -> RunbookStep.labels(RecoveryStep.values());
      default -> List.of();
    };
  }

  /**
   * @param evenIfHealthy recover only: go ahead although the CA serves (null for restore, which
   *     shows the CA's health but does not refuse)
   */
  int run(CommonOptions common, RestoreOptions options, WaitOptions wait, CommandLine.Model.CommandSpec spec,
      Boolean clearAcmeAccount, Boolean evenIfHealthy) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<String> planned = plannedSteps();
    // the steps at once; the config, the checks and Temporal's start come after (seconds, embedded)
    try (PlannedSteps early = PlannedSteps.draw(planned, out, !common.json && !wait.noWait && System.console() != null);
        EmbeddedStart embedded = EmbeddedStart.begin(common.temporal)) {
      return run(common, options, wait, spec, clearAcmeAccount, evenIfHealthy, out, planned, early, embedded);
    }
  }

  private int run(CommonOptions common, RestoreOptions options, WaitOptions wait, CommandLine.Model.CommandSpec spec,
      Boolean clearAcmeAccount, Boolean evenIfHealthy, PrintWriter out, List<String> planned, PlannedSteps early,
      EmbeddedStart embedded) throws Exception {
    StepcaRecoveryConfig config = common.load();
    String name = options.ca.of(config).name();
    if (!wait.noWait) {
      Approval.requireTerminal(options.yes); // with --no-wait, approve in the Temporal UI or by signal
    }
    BackupChoice.check(config.ca(name), options.backup, TemporalSession.address(config, common.temporal) == null,
        options.from);
    try (TemporalSession session = TemporalSession.open(config, common.temporal, embedded)) {
      WorkflowOptions opts = StartOptions.of(session, kind, name, "backup " + options.backup, details);
      String id = opts.getWorkflowId();
      StartedRun.refuseNoWaitWhenEmbedded(session, wait);
      RunContext ctx = new RunContext(config, name, common, spec.commandLine().getErr(), planned);
      // the CA as this command's config describes it: the run refuses (exit 2) if the worker's differs
      session.client().newUntypedWorkflowStub(workflowType, opts).start(new RestoreRequest(name,
          options.backup, !options.noRollback, !options.yes, options.allowForeignRoot, clearAcmeAccount,
          FirstTaskWatch.deadlineSeconds(ctx), options.allowPaths, evenIfHealthy,
          options.approvalTimeoutSeconds(config), CaViews.of(config.ca(name)), options.from));
      early.close(); // the headline goes where the planned steps were; the live frame follows below it
      String what = doing + " CA " + name + " from backup " + options.backup;
      JsonNode r = StartedRun.await(session, id, JsonNode.class, common.json, wait, out, what, ctx, () -> {
        if (!options.yes) {
          Approval.ask(session.client(), id, approvalStep,
              "Replace the live data of CA " + name + " with backup " + options.backup + "?", out);
        }
      });
      if (r == null && !options.yes) {
        ApprovalHints.print(ctx, id, spec.commandLine().getErr());
      }
      return r == null ? Main.OK : ResultPrinter.print(spec.commandLine(), common.json, id, r);
    }
  }
}
