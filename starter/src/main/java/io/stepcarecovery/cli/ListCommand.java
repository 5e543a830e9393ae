package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List recent runs (open ones first, then closed, newest first) of the Temporal"
        + " namespace, like 'temporal workflow list'. Uses the open/closed listings, which every"
        + " Temporal service answers (the dev-server too).",
        "Runs of an embedded (break-glass) service are gone when its command ends: they are not listed."})
final class ListCommand implements Callable<Integer>, Main.JsonOutput {
  @Mixin CommonOptions common;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N runs of each kind (default ${DEFAULT-VALUE}).")
  int limit;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public boolean json() {
    return common.json;
  }

  @Override
  public Integer call() {
    if (limit < 1 || limit > 1000) {
      throw new io.stepcarecovery.config.ConfigException("--limit " + limit + ": give 1 to 1000");
    }
    try (TemporalSession session = RemoteOptions.connect(common)) {
      var stub = session.client().getWorkflowServiceStubs().blockingStub();
      String ns = session.client().getOptions().getNamespace();
      List<WorkflowExecutionInfo> open = new ArrayList<>(stub.listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(ns).setMaximumPageSize(limit).build())
          .getExecutionsList());
      List<WorkflowExecutionInfo> closed = new ArrayList<>(stub.listClosedWorkflowExecutions(
          ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace(ns).setMaximumPageSize(limit).build())
          .getExecutionsList());
      Comparator<WorkflowExecutionInfo> newest = Comparator.comparing((WorkflowExecutionInfo i) -> i.getStartTime().getSeconds())
          .thenComparing(i -> i.getStartTime().getNanos()).reversed();
      open.sort(newest);
      closed.sort(newest);
      List<WorkflowExecutionInfo> runs = new ArrayList<>(open.subList(0, Math.min(limit, open.size())));
      runs.addAll(closed.subList(0, Math.min(limit, closed.size())));
      if (common.json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("ok", true);
        doc.put("namespace", ns);
        ArrayNode list = doc.putArray("runs");
        for (WorkflowExecutionInfo i : runs) {
          ObjectNode o = list.addObject();
          o.put("workflowId", i.getExecution().getWorkflowId());
          o.put("runId", i.getExecution().getRunId());
          o.put("type", i.getType().getName());
          o.put("status", status(i));
          o.put("startTime", time(i.getStartTime()));
          o.put("closeTime", i.hasCloseTime() && i.getCloseTime().getSeconds() > 0 ? time(i.getCloseTime()) : null);
        }
        Output.json(spec.commandLine(), doc);
        return Main.OK;
      }
      PrintWriter out = spec.commandLine().getOut();
      if (runs.isEmpty()) {
        out.println("No runs in namespace " + TerminalText.line(ns) + " of " + session.address());
      } else {
        out.printf("%-11s %-20s %-44s %s%n", "STATUS", "STARTED", "WORKFLOW ID", "TYPE");
        for (WorkflowExecutionInfo i : runs) {
          // ids and types are the service's text (an id can be any string a client chose)
          out.println(TerminalText.line(String.format("%-11s %-20s %-44s %s", status(i),
              time(i.getStartTime()).replaceFirst("\\.\\d+Z$", "Z"), i.getExecution().getWorkflowId(), i.getType().getName())));
        }
        out.println("Details of one: stepca-recovery status" + new RunContext(null, null, common, null).options(true) + " WORKFLOW_ID");
      }
      out.flush();
      return Main.OK;
    }
  }

  private static String status(WorkflowExecutionInfo i) {
    return i.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  private static String time(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
