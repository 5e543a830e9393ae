package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.drill.DrillRequest;
import io.stepcarecovery.drill.DrillResult;
import io.stepcarecovery.drill.DrillStep;
import io.stepcarecovery.drill.DrillWorkflow;
import io.stepcarecovery.progress.RunbookStep;
import io.stepcarecovery.text.TerminalText;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.stepcarecovery.worker.TemporalSession;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drill", mixinStandardHelpOptions = true,
    description = {
        "Prove that a backup restores, without touching the production CA: verify it as a restore"
            + " would, extract it into a sandbox on the drill host, start a sandbox step-ca from it"
            + " (same binary or image, a free loopback port), check it (health, root as recorded,"
            + " intermediate, a test issuance, ACME), then stop and remove the sandbox.",
        "Prints rtoMillis (drill start until the sandbox is healthy) and issuanceMillis (until its"
            + " first certificate); the outcome is kept beside the backup and shown by 'backups'.",
        "Exit 0 when the drill passed, 1 when the backup did not restore, 2 on usage or config errors.",
        "",
        "Any Temporal client (or a Schedule) can start the same workflow: type DrillWorkflow, task"
            + " queue " + TaskQueues.SHARED + ", input {\"ca\":\"NAME\",\"backup\":\"latest\"}."})
final class DrillCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin WaitOptions wait;
  @Mixin CaOption ca;

  @Option(names = "--backup", paramLabel = "ID|latest", defaultValue = "latest",
      description = "The backup to drill (default: latest).")
  String backup;

  @Option(names = "--from", paramLabel = "URI",
      description = "Fetch the backup from this off-host copy (one of backups.copies) first.")
  String from;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StepcaRecoveryConfig config = common.load();
    String name = ca.of(config).name();
    if (config.ca(name).drill() == null) {
      throw new io.stepcarecovery.config.ConfigException("CA '" + name + "' has no drill section in "
          + config.source() + ": add e.g. drill: {command: /usr/bin/step-ca, passwordFile:"
          + " /etc/step-ca/password.txt} (the binary and the key password file production starts with)");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      WorkflowOptions opts = StartOptions.of(session, "drill", name, null,
          "Restore drill: verify the backup → sandbox step-ca on a loopback port → health, root, intermediate,"
              + " issuance, ACME → remove the sandbox. The production CA is not touched.");
      String id = opts.getWorkflowId();
      DrillWorkflow wf = session.client().newWorkflowStub(DrillWorkflow.class, opts);
      StartedRun.refuseNoWaitWhenEmbedded(session, wait);
      RunContext ctx = new RunContext(config, name, common, spec.commandLine().getErr(),
          RunbookStep.labels(DrillStep.values()));
      WorkflowClient.start(wf::drill, new DrillRequest(name, backup, from,
          FirstTaskWatch.deadlineSeconds(ctx)));
      DrillResult r = StartedRun.await(session, id, DrillResult.class, common.json, wait, out,
          "Drilling a restore of CA " + name, ctx, () -> {});
      if (r == null) {
        return Main.OK;
      }
      if (common.json) {
        ObjectNode doc = Output.object(r);
        doc.put("workflowId", id);
        Output.json(spec.commandLine(), doc);
      } else {
        out.println(TerminalText.line((r.ok() ? "Drill passed: " : "Drill FAILED: ") + r.summary()));
        out.println("  backup     " + TerminalText.line(r.backupId()));
        out.println("  sandbox    " + TerminalText.line(r.drillId() + " on " + r.host()
            + (r.backend() == null ? "" : " (" + r.backend() + ")")));
        out.println("  RTO        " + (r.rtoMillis() < 0 ? "-" : r.rtoMillis() + " ms (drill start → sandbox healthy)"));
        out.println("  issuance   " + (r.issuanceMillis() < 0 ? "-" : r.issuanceMillis()
            + " ms (drill start → first certificate)"));
        out.flush();
        ChecklistPrinter.print(out, r.checklist());
      }
      return r.ok() ? Main.OK : Main.FAILED;
    }
  }
}
