package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.StepcaRecoveryConfig;
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
        "Without a Temporal service (no --temporal, TEMPORAL_ADDRESS or temporal.address), lists this"
            + " host's records of its embedded (break-glass) runs instead: runRecords.dir in the config,"
            + " default <lockDir>/runs."})
final class ListCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N runs of each kind (default ${DEFAULT-VALUE}).")
  int limit;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 1000) {
      throw new io.stepcarecovery.config.ConfigException("--limit " + limit + ": give 1 to 1000");
    }
    StepcaRecoveryConfig config = RemoteOptions.config(common);
    String address = TemporalSession.address(config, common.temporal);
    if (address == null) {
      return fromRecords(RunRecords.of(config));
    }
    try (TemporalSession session = TemporalSession.connect(config, address)) {
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
        doc.put("source", "temporal");
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

  /** The embedded runs this host recorded; records that are not readable are named and skipped. */
  private int fromRecords(RunRecords records) {
    RunRecords.Read read = records.read();
    PrintWriter err = spec.commandLine().getErr();
    for (RunRecords.Skipped s : read.skipped()) {
      err.println(TerminalText.line("stepca-recovery: warning: skipped " + s.file() + ": " + s.reason()));
    }
    err.flush();
    List<RunRecord> runs = read.records().subList(0, Math.min(limit, read.records().size()));
    if (common.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", true);
      doc.put("source", "runRecords");
      doc.put("directory", records.dir().toString());
      ArrayNode list = doc.putArray("runs");
      for (RunRecord r : runs) {
        ObjectNode o = list.addObject();
        o.put("workflowId", r.workflowId());
        o.put("type", r.type());
        o.put("ca", r.ca());
        o.put("status", r.shownStatus());
        o.put("startTime", r.startTime());
        o.put("closeTime", r.closeTime());
        o.put("summary", r.summary());
      }
      ArrayNode skipped = doc.putArray("skipped");
      for (RunRecords.Skipped s : read.skipped()) {
        skipped.addObject().put("file", s.file().toString()).put("reason", s.reason());
      }
      Output.json(spec.commandLine(), doc);
      return Main.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    String where = "this host's run records in " + records.dir() + " (no Temporal service given: with --temporal,"
        + " TEMPORAL_ADDRESS or temporal.address, list shows that service's runs)";
    if (runs.isEmpty()) {
      out.println(TerminalText.line("No embedded runs in " + where));
    } else {
      out.println(TerminalText.line("Embedded (break-glass) runs, from " + where + ":"));
      out.printf("%-11s %-20s %-44s %s%n", "STATUS", "STARTED", "WORKFLOW ID", "TYPE");
      for (RunRecord r : runs) {
        // a record is a file anyone with access to the directory may have written: its text is quoted
        out.println(TerminalText.line(String.format("%-11s %-20s %-44s %s", r.shownStatus(),
            r.startTime().replaceFirst("\\.\\d+Z$", "Z"), r.workflowId(), r.type())));
        if (r.summary() != null && !r.summary().isBlank()) {
          out.println(TerminalText.line("    " + r.summary()));
        }
      }
    }
    out.flush();
    return Main.OK;
  }

  private static String status(WorkflowExecutionInfo i) {
    return i.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  private static String time(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
