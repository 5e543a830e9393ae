package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.restore.RestoreWorkflow;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {
        "Restore a CA from a backup, following the runbook: verify the archive before touching"
            + " anything (checksums, manifest, ca.json, root = the trust anchor) → stage it beside the"
            + " live data → stop → move the live data aside (never deleted) → put the backup in place →"
            + " start → validate. If validation fails, the previous data is put back and started.",
        "Exit 0 when the restored CA passed every check, 1 otherwise (the checklist says why)."})
final class RestoreCommand implements Callable<Integer>, Main.JsonOutput {
  @Mixin CommonOptions common;
  @Mixin RestoreOptions options;
  @Mixin WaitOptions wait;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public boolean json() {
    return common.json;
  }

  @Override
  public Integer call() throws Exception {
    StepcaRecoveryConfig config = common.load();
    String name = common.caName(config, options.ca);
    if (!wait.noWait) {
      Approval.requireTerminal(options.yes); // with --no-wait, approve in the Temporal UI or by signal
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      WorkflowOptions opts = StartOptions.of(session, "restore", name, "backup " + options.backup,
          "Runbook restore: verify the backup → (approval) → stage it → stop the CA → move the live data aside → put the backup in place → start → validate; roll back if validation fails.");
      String id = opts.getWorkflowId();
      RestoreWorkflow wf = session.client().newWorkflowStub(RestoreWorkflow.class, opts);
      RestoreRequest request = new RestoreRequest(name, options.backup, !options.noRollback, !options.yes,
          options.allowForeignRoot, null);
      Runs.refuseNoWaitWhenEmbedded(session, wait);
      WorkflowClient.start(wf::restore, request);
      JsonNode r = Runs.await(session, id, JsonNode.class, common.json, wait, out,
          "Restoring CA " + name + " from backup " + options.backup, () -> {
            if (!options.yes) {
              Approval.ask(session.client(), id, 2, "Restore backup " + options.backup + " over CA " + name + "?", out);
            }
          });
      if (r == null) {
        return Main.OK;
      }
      return Results.print(spec.commandLine(), common.json, id, r);
    }
  }
}
