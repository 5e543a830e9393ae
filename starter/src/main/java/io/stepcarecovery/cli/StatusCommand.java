package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print a workflow's state and its runbook steps once.")
final class StatusCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      DescribeWorkflowExecutionResponse d = session.client().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(session.client().getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build());
      String state = d.getWorkflowExecutionInfo().getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      String type = d.getWorkflowExecutionInfo().getType().getName();
      List<Step> steps;
      try {
        steps = EndedSteps.of(Arrays.asList(session.client().newUntypedWorkflowStub(id).query("progress", Step[].class)), state);
      } catch (RuntimeException noProgress) {
        steps = List.of();
      }
      if (common.json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("ok", true);
        doc.put("workflowId", id);
        doc.put("type", type);
        doc.put("status", state);
        doc.set("steps", Output.JSON.valueToTree(steps));
        Output.json(spec.commandLine(), doc);
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.println(TerminalText.line(id + " · " + type + " · " + state));
        ProgressView.render(steps, Map.of(), System.currentTimeMillis(),
            Follower.attempt(session.client(), id)).forEach(out::println);
        out.flush();
      }
      return Main.OK;
    }
  }
}
