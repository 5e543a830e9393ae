package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.io.PrintWriter;
import java.time.Instant;

/**
 * Records an embedded run in this host's {@link RunRecords} as it starts and as it ends: the
 * embedded service, and its history, go when the command ends, and {@code list} has nothing else
 * to read afterwards. A record that cannot be written is a warning: the run itself matters more.
 */
final class RunRecorder {
  private static final RunRecorder NONE = new RunRecorder(null, null, null, null, null);

  private final TemporalSession session;
  private final RunRecords records;
  private final String id;
  private final String ca;
  private final PrintWriter err;
  private boolean warned;

  private RunRecorder(TemporalSession session, RunRecords records, String id, String ca, PrintWriter err) {
    this.session = session;
    this.records = records;
    this.id = id;
    this.ca = ca;
    this.err = err;
  }

  /** Records the run as running; does nothing for a run on a Temporal service (it lists its own). */
  static RunRecorder start(TemporalSession session, String id, RunContext ctx) {
    if (!session.isEmbedded() || ctx.config() == null) {
      return NONE;
    }
    RunRecorder r = new RunRecorder(session, RunRecords.of(ctx.config()), id, ctx.ca(), ctx.err());
    r.write(null);
    return r;
  }

  /** Records how the run ended, as the (still running) embedded service says. */
  void end(String summary) {
    if (records != null) {
      write(summary);
    }
  }

  /** The line a result leaves in the record: its message, or the backup it stored. */
  static String summary(Object result) {
    if (result == null) {
      return null;
    }
    JsonNode r = Output.JSON.valueToTree(result);
    if (r.hasNonNull("message")) {
      return r.get("message").asText();
    }
    if (r.hasNonNull("backupId")) {
      return "backup " + r.get("backupId").asText() + (r.hasNonNull("archive") ? " stored: " + r.get("archive").asText() : "");
    }
    return null;
  }

  private void write(String summary) {
    try {
      WorkflowExecutionInfo info = session.client().newUntypedWorkflowStub(id).describe().getWorkflowExecutionInfo();
      String status = info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
      String line = summary == null ? null : TerminalText.line(summary);
      if (line != null && line.length() > RunRecords.MAX_SUMMARY) {
        line = line.substring(0, RunRecords.MAX_SUMMARY) + Columns.ELLIPSIS;
      }
      records.write(new RunRecord(id, info.getType().getName(), ca, instant(info.getStartTime()),
          info.hasCloseTime() && info.getCloseTime().getSeconds() > 0 ? instant(info.getCloseTime()) : null,
          status, line, ProcessHandle.current().pid()));
    } catch (Exception e) {
      if (!warned && err != null) {
        warned = true;
        err.println(TerminalText.line("stepca-recovery: warning: this run is not recorded for 'list' in "
            + records.dir() + " (" + e.getMessage() + "); set runRecords.dir in the config to a writable directory"));
        err.flush();
      }
    }
  }

  private static String instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
