package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
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
final class Runs {
  /** How long an interrupted embedded run gets for its compensations before the CLI exits anyway. */
  static final long CLEAN_UP_MILLIS = 60_000;

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
      PrintWriter out, String headline, RunContext ctx, WhileRunning whileRunning) throws Exception {
    if (wait != null && wait.noWait) {
      if (json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("ok", true);
        doc.put("workflowId", id);
        doc.put("started", true);
        out.println(Output.JSON.writeValueAsString(doc));
      } else {
        out.println(id);
      }
      out.flush();
      return null;
    }
    PrintWriter err = ctx.err();
    WorkflowStub stub = session.client().newUntypedWorkflowStub(id);
    try (Interrupts interrupts = Interrupts.install(
        code -> firstSignal(session, stub, id, ctx, code),
        code -> secondSignal(session, ctx, code))) {
      if (!json) {
        out.println(headline + " (workflow " + id + ", Temporal " + session.address() + ")");
        out.println(session.isEmbedded()
            ? "  embedded mode: this process is the Temporal service; keep it running until the end"
                + " (Ctrl-C cancels the run and waits for its clean-up)"
            : "  Ctrl-C detaches and leaves the workflow running; follow it again with: stepca-recovery watch "
                + id + ctx.options(true));
        out.flush();
      }
      FirstTaskWatch.await(session, id, ctx, err);
      try {
        return follow(session, stub, id, type, json, out, whileRunning, ctx, interrupts);
      } catch (WorkflowFailedException e) {
        // the workflow names the fixing command; make it the person's own (--config, --temporal)
        throw new Failed(ExactCommands.complete(Failures.rootMessage(e), ctx));
      }
    }
  }

  /** Follows the steps until the result is in; after a signal, says what is left and exits. */
  private static <R> R follow(TemporalSession session, WorkflowStub stub, String id, Class<R> type,
      boolean json, PrintWriter out, WhileRunning whileRunning, RunContext ctx, Interrupts interrupts)
      throws Exception {
    try (Follower f = json ? null : new Follower(session.client(), id, out, Follower.modeFor(System.console() != null))) {
      whileRunning.run();
      R result = result(stub, type, interrupts);
      if (!interrupts.signalled()) {
        return result;
      }
    } catch (Interrupts.Interrupted closedOrNot) {
      // reported below, once the follower has drawn the steps as they ended
    }
    reportInterrupted(ctx, stub);
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
        if (interrupts.signalled() && interrupts.millisSinceFirst() > CLEAN_UP_MILLIS) {
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

  private static void firstSignal(TemporalSession session, WorkflowStub stub, String id, RunContext ctx, int code) {
    PrintWriter err = ctx.err();
    if (!session.isEmbedded()) {
      err.println();
      err.println("Detached: the run " + id + " goes on at " + session.address() + ". Follow it again with:"
          + " stepca-recovery watch " + id + ctx.options(true));
      err.flush();
      System.exit(code);
    }
    err.println();
    err.println("Interrupted: cancelling the run " + id + ". Its clean-up runs now (the CA is started"
        + " again if this run stopped it, moved data is put back, the CA is released); waiting up to "
        + CLEAN_UP_MILLIS / 1000 + " s. Press Ctrl-C again to exit at once.");
    err.flush();
    try {
      stub.cancel();
    } catch (RuntimeException alreadyClosed) {
      // it ended on its own meanwhile
    }
    // The main thread reports and exits once the run closes; should it be stuck elsewhere (at the
    // approval prompt, reading the terminal), this bounds the exit all the same.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(CLEAN_UP_MILLIS + 10_000);
      } catch (InterruptedException e) {
        return;
      }
      secondSignal(session, ctx, code);
    }, "interrupt-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static void secondSignal(TemporalSession session, RunContext ctx, int code) {
    if (!session.isEmbedded()) {
      return; // the first one exits
    }
    PrintWriter err = ctx.err();
    err.println();
    err.println("Exiting before the clean-up finished.");
    CaConfig c = ctx.ca() == null ? null : ctx.config().ca(ctx.ca());
    if (c != null) {
      LeftState left = LeftState.of(c);
      left.lines().forEach(err::println);
      if (!left.running()) {
        err.println(fix(ctx, c));
      }
    }
    err.flush();
    Runtime.getRuntime().halt(code);
  }

  private static void reportInterrupted(RunContext ctx, WorkflowStub stub) {
    PrintWriter err = ctx.err();
    boolean closed;
    try {
      closed = stub.describe().getWorkflowExecutionInfo().hasCloseTime();
    } catch (RuntimeException e) {
      closed = false;
    }
    err.println();
    err.println(closed ? "Interrupted: the run was cancelled and its clean-up has finished. What is left:"
        : "Interrupted: the run's clean-up did not finish within " + CLEAN_UP_MILLIS / 1000
            + " s; exiting anyway. What is left:");
    CaConfig c = ctx.ca() == null ? null : ctx.config().ca(ctx.ca());
    if (c != null) {
      LeftState left = LeftState.of(c);
      left.lines().forEach(err::println);
      if (!left.running()) {
        err.println(fix(ctx, c));
      }
    }
    err.flush();
  }

  static String fix(RunContext ctx, CaConfig c) {
    return "CA " + c.name() + " IS DOWN. Start it: " + LeftState.startCommand(c)
        + " — if it does not come up, recover it: stepca-recovery recover --ca " + c.name() + ctx.options(true);
  }
}
