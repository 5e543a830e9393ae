package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.stepcarecovery.Failures;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What every runbook command does once its workflow has started. */
final class StartedRun {
  interface WhileRunning {
    void run() throws Exception;
  }

  private StartedRun() {}

  static void refuseNoWaitWhenEmbedded(TemporalSession session, WaitOptions wait) {
    if (wait.noWait && session.isEmbedded()) {
      throw new ConfigException("--no-wait needs a Temporal service (--temporal or temporal.address):"
          + " an embedded run ends with this command");
    }
  }

  /** Prints the id for --no-wait, or follows the steps (text mode) until the result is in. */
  static <R> R await(TemporalSession session, String id, Class<R> type, boolean json, WaitOptions wait,
      PrintWriter out, String headline, RunContext ctx, WhileRunning whileRunning) throws Exception {
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
    PrintWriter err = ctx.err();
    WorkflowStub stub = session.client().newUntypedWorkflowStub(id);
    InterruptedRun onSignal = new InterruptedRun(session, stub, id, ctx);
    try (Interrupts interrupts = Interrupts.install(onSignal::first, onSignal::second)) {
      if (!json) {
        out.println(TerminalText.line(headline + " (workflow " + id + ", Temporal " + session.address() + ")"));
        out.println(session.isEmbedded()
            ? "  embedded mode: this process is the Temporal service; keep it running until the end"
                + " (Ctrl-C cancels the run and waits for its clean-up)"
            : "  Ctrl-C detaches and leaves the workflow running; follow it again with: stepca-recovery watch "
                + id + ctx.options(true));
        out.flush();
      }
      // an embedded run's history goes with this process: the host keeps a record for 'list'
      RunRecorder record = RunRecorder.start(session, id, ctx);
      String summary = null;
      try {
        FirstTaskWatch.await(session, id, ctx, err);
        R result = follow(session, stub, id, type, json, out, whileRunning, onSignal, interrupts, ctx.plannedSteps());
        summary = RunRecorder.summary(result);
        return result;
      } catch (WorkflowFailedException e) {
        summary = Failures.rootMessage(e);
        // the worker's config means another CA than this command's: a config error (exit 2)
        if (ConfigMismatch.is(e)) {
          throw new ConfigException(Failures.rootMessage(e));
        }
        // the workflow names the fixing command; make it the person's own (--config, --temporal)
        throw new Failed(ExactCommands.complete(Failures.rootMessage(e), ctx));
      } catch (Interrupts.Interrupted e) {
        summary = "interrupted from the terminal";
        throw e;
      } finally {
        record.end(summary);
      }
    }
  }

  /** Follows the steps until the result is in; after a signal, says what is left and exits. */
  private static <R> R follow(TemporalSession session, WorkflowStub stub, String id, Class<R> type,
      boolean json, PrintWriter out, WhileRunning whileRunning, InterruptedRun onSignal, Interrupts interrupts,
      java.util.List<String> planned) throws Exception {
    try (Follower f = json ? null
        : new Follower(session.client(), id, out, Follower.modeFor(System.console() != null), planned)) {
      whileRunning.run();
      R result = result(stub, type, interrupts);
      if (!interrupts.signalled()) {
        return result;
      }
    } catch (Interrupts.Interrupted closedOrNot) {
      // reported below, once the follower has drawn the steps as they ended
    }
    onSignal.report();
    throw new Interrupts.Interrupted(interrupts.exitCode());
  }

  /** The run ended in failure; the message is the person's (exit 1). */
  static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message);
    }
  }

  /** The result; after a signal, returns or throws {@link Interrupts.Interrupted} within the bound. */
  private static <R> R result(WorkflowStub stub, Class<R> type, Interrupts interrupts) throws Exception {
    CompletableFuture<R> result = stub.getResultAsync(type);
    while (true) {
      try {
        return result.get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (interrupts.signalled() && interrupts.millisSinceFirst() > InterruptedRun.CLEAN_UP_MILLIS) {
          throw new Interrupts.Interrupted(interrupts.exitCode());
        }
      } catch (ExecutionException e) {
        if (interrupts.signalled()) {
          throw new Interrupts.Interrupted(interrupts.exitCode()); // cancelled, compensations done
        }
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }
}
