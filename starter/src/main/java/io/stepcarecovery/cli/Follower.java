package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a running workflow's steps through its {@code progress} query (and the server's view of
 * the pending activity, for attempts) and shows them: redrawn in place on a terminal, one line
 * per change otherwise. Stops when closed; the workflow itself is never touched.
 */
final class Follower implements AutoCloseable {
  enum Mode { TERMINAL, LINES }

  private final Thread thread;
  private volatile boolean stop;
  private final Runnable finalDraw;
  private final LiveFrame frame;

  Follower(WorkflowClient client, String workflowId, PrintWriter out, Mode mode) {
    this(client, workflowId, out, mode, List.of());
  }

  /**
   * @param planned the workflow's step titles: on a terminal, drawn pending at once, before the
   *     first answer to the query (a cold embedded worker takes seconds to give one)
   */
  Follower(WorkflowClient client, String workflowId, PrintWriter out, Mode mode, List<String> planned) {
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    Map<Integer, Long> since = new HashMap<>();
    Map<Integer, String> printed = new HashMap<>();
    LiveFrame frame = mode == Mode.TERMINAL ? new LiveFrame(out).activate() : null;
    TerminalSize[] size = {null};
    int[] draws = {0};
    Runnable draw = () -> {
      Step[] steps;
      try {
        steps = stub.query("progress", Step[].class);
      } catch (RuntimeException notYet) {
        return;
      }
      Described run = describe(client, workflowId);
      // once the run has ended (cancelled while followed), nothing runs any more: say how it ended
      List<Step> shownSteps = EndedSteps.of(Arrays.asList(steps), run.status());
      long now = System.currentTimeMillis();
      for (Step s : shownSteps) {
        if (s.state() == Step.State.RUNNING) {
          since.putIfAbsent(s.number(), now);
        } else {
          since.remove(s.number());
        }
      }
      if (mode == Mode.TERMINAL) {
        if (draws[0]++ % 8 == 0) {
          size[0] = TerminalSize.ask(); // again every 2 s: the window may have been resized
        }
        // one column short of the width: a row never reaches the last column, where terminals wrap
        frame.draw(ProgressView.render(shownSteps, since, now, run.attempt(), size[0].columns() - 1), size[0]);
      } else {
        // a retry is a change too: its line says the attempt and why the last one failed
        for (Step s : shownSteps) {
          ProgressView.Attempt shown = s.state() == Step.State.RUNNING && run.attempt() != null
              && run.attempt().number() > 1 ? run.attempt() : null;
          String key = s.state() + "|" + s.detail() + "|" + (shown == null ? 1 : shown.number());
          if (s.state() != Step.State.PENDING && !key.equals(printed.get(s.number()))) {
            printed.put(s.number(), key);
            out.println(ProgressView.line(s, null, now, shown));
          }
        }
      }
      out.flush();
    };
    finalDraw = draw;
    this.frame = frame;
    if (frame != null && !planned.isEmpty()) {
      size[0] = TerminalSize.ask();
      draws[0]++;
      frame.draw(ProgressView.render(PlannedSteps.pending(planned), Map.of(), System.currentTimeMillis(), null,
          size[0].columns() - 1), size[0]);
    }
    thread = new Thread(() -> {
      while (!stop) {
        synchronized (this) {
          draw.run();
        }
        try {
          Thread.sleep(mode == Mode.TERMINAL ? 250 : 300);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "follow-" + workflowId);
    thread.setDaemon(true);
    thread.start();
  }

  static Mode modeFor(boolean terminal) {
    return terminal ? Mode.TERMINAL : Mode.LINES;
  }

  /** How the run stands: its status (null while it runs, or unknown) and the pending activity's attempt. */
  record Described(String status, ProgressView.Attempt attempt) {}

  /** The run's status and the attempt number and last failure of the activity it waits on, if one. */
  static Described describe(WorkflowClient client, String workflowId) {
    try {
      DescribeWorkflowExecutionResponse d = client.getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
      List<PendingActivityInfo> pending = d.getPendingActivitiesList();
      ProgressView.Attempt attempt = null;
      if (pending.size() == 1) {
        PendingActivityInfo a = pending.get(0);
        attempt = new ProgressView.Attempt(a.getAttempt(), a.hasLastFailure() ? a.getLastFailure().getMessage() : null);
      }
      return new Described(RunState.name(d.getWorkflowExecutionInfo().getStatus()), attempt);
    } catch (RuntimeException e) {
      return new Described(null, null);
    }
  }

  /** The attempt number and last failure of the activity the workflow is waiting on, if any. */
  static ProgressView.Attempt attempt(WorkflowClient client, String workflowId) {
    return describe(client, workflowId).attempt();
  }

  @Override
  public void close() {
    stop = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      finalDraw.run(); // the steps as they ended
    }
    if (frame != null) {
      frame.deactivate();
    }
  }
}
