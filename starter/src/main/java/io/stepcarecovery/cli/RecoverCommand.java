package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", mixinStandardHelpOptions = true,
    description = {
        "Full TLS outage: recover in the runbook's order — restore Step-CA data → start Step-CA →"
            + " validate the ACME directory → validate certificate issuance → restart Traefik (the"
            + " configured ingress) → confirm application HTTPS — then print the validation checklist"
            + " with a likely cause and an action for every failed item.",
        "Exit 0 when every checklist item passed, 1 otherwise."})
final class RecoverCommand implements Callable<Integer>, Main.JsonOutput {
  @Mixin CommonOptions common;
  @Mixin RestoreOptions options;
  @Mixin WaitOptions wait;

  @Option(names = "--clear-acme-account",
      description = "Before restarting the ingress, remove its stored ACME account from acme.json (a"
          + " copy is kept): after restoring an older database the CA may not know it (HTTP 500).")
  boolean clearAcmeAccount;

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
      WorkflowOptions opts = StartOptions.of(session, "recover", name, "backup " + options.backup,
          "Full TLS outage, the runbook recovery order: restore Step-CA data → start Step-CA → validate the ACME directory → validate certificate issuance → restart Traefik → confirm application HTTPS.");
      String id = opts.getWorkflowId();
      RecoveryWorkflow wf = session.client().newWorkflowStub(RecoveryWorkflow.class, opts);
      RestoreRequest request = new RestoreRequest(name, options.backup, !options.noRollback, !options.yes,
          options.allowForeignRoot, clearAcmeAccount);
      Runs.refuseNoWaitWhenEmbedded(session, wait);
      WorkflowClient.start(wf::recover, request);
      JsonNode r = Runs.await(session, id, JsonNode.class, common.json, wait, out,
          "Recovering CA " + name + " from backup " + options.backup, () -> {
            if (!options.yes) {
              Approval.ask(session.client(), id, 1, "Recover CA " + name + " from backup " + options.backup + "?", out);
            }
          });
      if (r == null) {
        return Main.OK;
      }
      return Results.print(spec.commandLine(), common.json, id, r);
    }
  }
}
