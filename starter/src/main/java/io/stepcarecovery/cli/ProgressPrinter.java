package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Follows a running workflow through its {@code progress} query and prints a line whenever a
 * runbook step changes state. Runs beside the wait for the result; stops when told to.
 */
final class ProgressPrinter implements AutoCloseable {
  private final Thread thread;
  private volatile boolean stop;

  ProgressPrinter(WorkflowClient client, String workflowId, PrintWriter out) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    Map<Integer, String> seen = new HashMap<>();
    thread = new Thread(() -> {
      while (!stop) {
        try {
          for (Step s : stub.query("progress", Step[].class)) {
            String key = s.state() + "|" + s.detail();
            if (s.state() != Step.State.PENDING && !key.equals(seen.get(s.number()))) {
              seen.put(s.number(), key);
              out.println(line(s));
              out.flush();
            }
          }
        } catch (RuntimeException notYet) {
          // not started, finished, or a transient query failure: try again
        }
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "progress");
    thread.setDaemon(true);
    thread.start();
  }

  static String line(Step s) {
    String mark = switch (s.state()) {
      case DONE -> "✓";
      case FAILED -> "✗";
      case RUNNING -> "…";
      case SKIPPED -> "-";
      default -> " ";
    };
    return "  " + mark + " " + s.number() + ". " + s.title()
        + (s.target().isEmpty() ? "" : " · " + s.target())
        + (s.detail().isEmpty() ? "" : " — " + s.detail());
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
