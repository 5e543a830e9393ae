package io.stepcarecovery.cli;

import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;

/**
 * What the CLI does when the person interrupts a run it follows. On a Temporal service the run
 * goes on: detach, naming the watch command. Embedded, the run dies with this process: cancel it,
 * so that its compensations run (the CA started again if the run stopped it, moved data put back,
 * the CA released), wait a bounded time, then say what is left. A second signal, or the bound
 * passing while the main thread waits elsewhere, exits at once with the same account.
 */
final class InterruptedRun {
  /** How long an interrupted embedded run gets for its compensations before the CLI exits anyway. */
  static final long CLEAN_UP_MILLIS = 60_000;

  private final TemporalSession session;
  private final WorkflowStub stub;
  private final String id;
  private final RunContext ctx;

  InterruptedRun(TemporalSession session, WorkflowStub stub, String id, RunContext ctx) {
    this.session = session;
    this.stub = stub;
    this.id = id;
    this.ctx = ctx;
  }

  /** The first SIGINT/SIGTERM: detach (service) or cancel and wait (embedded). */
  void first(int code) {
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
      second(code);
    }, "interrupt-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** A second signal (embedded): say what is left and exit now. */
  void second(int code) {
    if (!session.isEmbedded()) {
      return; // the first one exits
    }
    PrintWriter err = ctx.err();
    err.println();
    err.println("Exiting before the clean-up finished.");
    left(err);
    err.flush();
    Runtime.getRuntime().halt(code);
  }

  /** Once the run closed (or the bound passed): what is left. */
  void report() {
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
    left(err);
    err.flush();
  }

  private void left(PrintWriter err) {
    CaConfig c = ctx.ca() == null || ctx.config() == null ? null : ctx.config().ca(ctx.ca());
    if (c == null) {
      return;
    }
    LeftState left = LeftState.of(c);
    left.lines().forEach(err::println);
    if (!left.running()) {
      err.println("CA " + c.name() + " IS DOWN. Start it: " + LeftState.startCommand(c)
          + " — if it does not come up, recover it: stepca-recovery recover --ca " + c.name() + ctx.options(true));
    }
  }
}
