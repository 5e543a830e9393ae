package io.stepcarecovery.cli;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.HostGate;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;

/**
 * A run started on a Temporal service does nothing until a worker polls the shared queue, and the
 * workflow itself cannot say so (it is not running). So the CLI watches for the run's first
 * workflow task: it says within 5 s that no worker took it, with the command that starts one,
 * and gives up after the worker deadline, terminating the run before it could do anything (a
 * backup nobody waits for would stop the CA whenever a worker comes).
 */
final class FirstTaskWatch {
  static final long NOTICE_MILLIS = 5_000;

  private FirstTaskWatch() {}

  /** The deadline from the config, else the workflows' default. */
  static int deadlineSeconds(RunContext ctx) {
    Integer configured = ctx == null || ctx.config() == null || ctx.config().temporal() == null ? null
        : ctx.config().temporal().workerDeadlineSeconds();
    return configured != null && configured > 0 ? configured : HostGate.DEFAULT_DEADLINE_SECONDS;
  }

  /** Returns once a worker took the run's first task; throws {@link StartedRun.Failed} at the deadline. */
  static void await(TemporalSession session, String id, RunContext ctx, PrintWriter err) throws InterruptedException {
    if (session.isEmbedded()) {
      return; // its own worker is in this process
    }
    int deadline = deadlineSeconds(ctx);
    long start = System.currentTimeMillis();
    boolean told = false;
    String command = "stepca-recovery worker" + ctx.options(true);
    while (!started(session, id)) {
      long waited = System.currentTimeMillis() - start;
      if (!told && waited >= NOTICE_MILLIS) {
        err.println("  waiting: no worker has taken this run from task queue " + TaskQueues.SHARED + " after "
            + waited / 1000 + " s (gives up after " + deadline + " s). Is a worker running? Start one with: "
            + command);
        err.flush();
        told = true;
      }
      if (waited >= deadline * 1000L) {
        WorkflowStub stub = session.client().newUntypedWorkflowStub(id);
        if (!started(session, id)) {
          stub.terminate("no worker took the run within " + deadline + " s");
          throw new StartedRun.Failed("no worker polled task queue " + TaskQueues.SHARED + " at " + session.address()
              + " within " + deadline + " s; the run " + id + " was ended before it did anything (nothing was"
              + " stopped or changed). Start a worker, then run again: " + command);
        }
        return;
      }
      // a worker that polls takes the task within milliseconds: look often at first, since the
      // steps are not followed until it did
      Thread.sleep(waited < 2_000 ? 25 : 500);
    }
  }

  /** A worker took a task, or the run is over anyway (watch of a run ended by someone). */
  private static boolean started(TemporalSession session, String id) {
    for (HistoryEvent e : session.client().fetchHistory(id).getEvents()) {
      switch (e.getEventType()) {
        case EVENT_TYPE_WORKFLOW_TASK_STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
            EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> {
          return true;
        }
        default -> { }
      }
    }
    return false;
  }
}
