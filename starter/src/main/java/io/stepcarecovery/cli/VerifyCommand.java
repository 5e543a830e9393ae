package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.verify.VerifyRequest;
import io.stepcarecovery.verify.VerifyWorkflow;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowOptions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
        "Run the runbook's validation checklist against the running platform and change nothing:"
            + " Step-CA running, no startup errors, ACME reachable, root trusted, intermediate valid,"
            + " issuance functional, every service's TLS and HTTP answer.",
        "It shows how long each service's certificate has left (\"app.internal expires in 13 h 20 min\");"
            + " when the CA is down, first and earliest first: nobody can renew until it is back (the TLS"
            + " countdown). --json: countdown.services[0] is the first to break (expiresAt, secondsLeft).",
        "Exit 0 when every item passed, 1 otherwise."})
final class VerifyCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin CaOption ca;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    StepcaRecoveryConfig config = common.load();
    String name = ca.of(config).name();
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      WorkflowOptions opts = StartOptions.of(session, "verify", name, null,
          "The runbook's validation checklist against the running platform; changes nothing.");
      String id = opts.getWorkflowId();
      VerifyWorkflow wf = session.client().newWorkflowStub(VerifyWorkflow.class, opts);
      io.temporal.client.WorkflowClient.start(wf::verify, new VerifyRequest(name));
      RunRecorder record = RunRecorder.start(session, id, new RunContext(config, name, common, spec.commandLine().getErr()));
      List<ChecklistItem> items;
      try {
        items = Arrays.asList(session.client().newUntypedWorkflowStub(id).getResult(ChecklistItem[].class));
      } catch (RuntimeException e) {
        record.end(Output.failureMessage(e));
        throw e;
      }
      boolean ok = Checklists.allPassed(items);
      record.end(Checklists.tally(items));
      if (common.json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("ok", ok);
        doc.put("ca", name);
        doc.put("workflowId", id);
        doc.set("checklist", Output.JSON.valueToTree(items));
        doc.set("countdown", CountdownJson.of(items, java.time.Instant.now()));
        Output.json(spec.commandLine(), doc);
      } else {
        ChecklistPrinter.print(spec.commandLine().getOut(), items);
      }
      return ok ? Main.OK : Main.FAILED;
    }
  }
}
