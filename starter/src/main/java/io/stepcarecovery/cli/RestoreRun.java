package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.config.CaViews;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * What restore and recover share: both replace a CA's live data from a backup, behind the same
 * approval gate, and end with a checklist. Only the workflow and its wording differ.
 *
 * @param workflowType the registered workflow type (RestoreWorkflow, RecoveryWorkflow)
 * @param approvalStep the progress step that waits for approval
 */
record RestoreRun(String kind, String workflowType, String details, String doing, int approvalStep) {

  /**
   * @param evenIfHealthy recover only: go ahead although the CA serves (null for restore, which
   *     shows the CA's health but does not refuse)
   */
  int run(CommonOptions common, RestoreOptions options, WaitOptions wait, CommandLine.Model.CommandSpec spec,
      Boolean clearAcmeAccount, Boolean evenIfHealthy) throws Exception {
    StepcaRecoveryConfig config = common.load();
    String name = options.ca.of(config).name();
    if (!wait.noWait) {
      Approval.requireTerminal(options.yes); // with --no-wait, approve in the Temporal UI or by signal
    }
    BackupChoice.check(config.ca(name), options.backup, TemporalSession.address(config, common.temporal) == null);
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      WorkflowOptions opts = StartOptions.of(session, kind, name, "backup " + options.backup, details);
      String id = opts.getWorkflowId();
      StartedRun.refuseNoWaitWhenEmbedded(session, wait);
      RunContext ctx = new RunContext(config, name, common, spec.commandLine().getErr());
      // the CA as this command's config describes it: the run refuses (exit 2) if the worker's differs
      session.client().newUntypedWorkflowStub(workflowType, opts).start(new RestoreRequest(name,
          options.backup, !options.noRollback, !options.yes, options.allowForeignRoot, clearAcmeAccount,
          FirstTaskWatch.deadlineSeconds(ctx), options.allowPaths, evenIfHealthy,
          options.approvalTimeoutSeconds(config), CaViews.of(config.ca(name))));
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
