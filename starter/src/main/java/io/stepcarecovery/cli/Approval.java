package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.restore.PlannedRestore;
import io.stepcarecovery.text.TerminalText;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.Console;
import java.io.PrintWriter;

/** The approval gate of restore and recovery, answered at the terminal. */
final class Approval {
  private Approval() {}

  static void requireTerminal(boolean yes) {
    if (!yes && System.console() == null) {
      throw new ConfigException("restore replaces the CA's live data: pass --yes to go ahead without"
          + " a terminal to confirm at");
    }
  }

  /** Every path the verified backup will replace, and where its live data goes. */
  private static String describe(WorkflowStub stub) {
    PlannedRestore planned;
    try {
      planned = stub.query("plannedRestore", PlannedRestore.class);
    } catch (RuntimeException e) {
      return "";
    }
    if (planned == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    if (planned.health() != null) {
      s.append(planned.health().healthy() ? "The CA is HEALTHY now: " : "The CA is not serving now: ")
          .append(planned.health().detail()).append("\n");
    }
    s.append("Backup ").append(planned.backupId()).append(" (made ").append(planned.createdAt())
        .append(BackupAge.of(planned.createdAt(), java.time.Instant.now())).append(")")
        .append(planned.reason() == null || planned.reason().isBlank() ? ", no reason given"
            : ", reason: " + TerminalText.line(planned.reason()))
        .append(", writes, and only these:\n");
    for (PlannedRestore.Write w : planned.writes()) {
      s.append("  ").append(w.path()).append("\n      live data moved aside to ").append(w.movedAsideTo())
          .append(" (kept)\n");
    }
    if (planned.approvalDeadline() != null) {
      s.append("Unanswered, the run ends with nothing changed at ").append(planned.approvalDeadline()).append("\n");
    }
    return s.toString();
  }

  /** Waits until the workflow asks for approval, then asks the person and signals the answer. */
  /**
   * Whether the run will not reach its question: a step failed or was cancelled (the run is being
   * cancelled), or the gate was passed or skipped.
   */
  static boolean neverAsks(Step[] steps, int approvalStep) {
    for (Step s : steps) {
      if (s.state() == Step.State.FAILED || s.state() == Step.State.CANCELLED) {
        return true;
      }
    }
    Step.State gate = steps[approvalStep - 1].state();
    return gate == Step.State.DONE || gate == Step.State.SKIPPED;
  }

  static void ask(WorkflowClient client, String workflowId, int approvalStep, String what, PrintWriter out)
      throws InterruptedException {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    while (true) {
      Step[] steps;
      try {
        steps = stub.query("progress", Step[].class);
      } catch (RuntimeException e) {
        Thread.sleep(300);
        continue;
      }
      Step gate = steps[approvalStep - 1];
      if (neverAsks(steps, approvalStep)) {
        return;
      }
      if (gate.state() == Step.State.RUNNING && gate.detail().contains("approve")) {
        break;
      }
      Thread.sleep(300);
    }
    Console console = System.console();
    String writes = describe(stub);
    out.flush();
    String answer;
    try (LiveFrame.Paused quiet = LiveFrame.pause()) { // the redraw would write over the question
      answer = console.readLine("%s%n%sThe backup is verified. Type 'yes' to replace the live data: ",
          TerminalText.lines(what), TerminalText.lines(writes));
    }
    if (answer != null && answer.strip().equalsIgnoreCase("yes")) {
      stub.signal("approve", System.getProperty("user.name"));
    } else {
      stub.signal("abort", "not approved at the terminal by " + System.getProperty("user.name"));
    }
  }
}
