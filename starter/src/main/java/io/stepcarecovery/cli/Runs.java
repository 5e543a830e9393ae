package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import java.io.PrintWriter;

/** What every runbook command does once its workflow has started. */
final class Runs {
  interface WhileRunning {
    void run() throws Exception;
  }

  private Runs() {}

  static void refuseNoWaitWhenEmbedded(TemporalSession session, WaitOptions wait) {
    if (wait.noWait && session.isEmbedded()) {
      throw new ConfigException("--no-wait needs a Temporal service (--temporal or temporal.address):"
          + " an embedded run ends with this command");
    }
  }

  /** Prints the id for --no-wait, or follows the steps (text mode) until the result is in. */
  static <R> R await(TemporalSession session, String id, Class<R> type, boolean json, WaitOptions wait,
      PrintWriter out, String headline, WhileRunning whileRunning) throws Exception {
    if (wait != null && wait.noWait) {
      if (json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("ok", true);
        doc.put("workflowId", id);
        doc.put("started", true);
        out.println(Output.JSON.writeValueAsString(doc));
      } else {
        out.println(TerminalText.line(id));
      }
      out.flush();
      return null;
    }
    if (json) {
      whileRunning.run();
      return session.client().newUntypedWorkflowStub(id).getResult(type);
    }
    out.println(TerminalText.line(headline + " (workflow " + id + ", Temporal " + session.address() + ")"));
    out.println(session.isEmbedded()
        ? "  embedded mode: this process is the Temporal service; keep it running until the end"
        : "  Ctrl-C detaches and leaves the workflow running; follow it again with: stepca-recovery watch " + id);
    out.flush();
    try (Follower f = new Follower(session.client(), id, out, Follower.modeFor(System.console() != null))) {
      whileRunning.run();
      return session.client().newUntypedWorkflowStub(id).getResult(type);
    }
  }
}
