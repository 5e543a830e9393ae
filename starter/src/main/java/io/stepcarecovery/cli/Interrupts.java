package io.stepcarecovery.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM while the CLI follows a run. The JVM's own handling would just exit (130 /
 * 143), which in embedded mode kills the Temporal service and the worker with it: the run's
 * compensations (start the CA again, put data back, release the lock) would never run. So the
 * first signal calls {@code first} (cancel the run, or detach), and a second one {@code second}
 * (force the exit). Handlers run on a thread of their own; the previous ones are put back on close.
 */
final class Interrupts implements AutoCloseable {
  private static final String[] SIGNALS = {"INT", "TERM"};

  private final AtomicInteger count = new AtomicInteger();
  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile int exitCode;
  private volatile long firstAtMillis;

  /** @param first, second get the exit code the signal stands for (128 + its number) */
  static Interrupts install(IntConsumer first, IntConsumer second) {
    Interrupts i = new Interrupts();
    for (String name : SIGNALS) {
      Signal s = new Signal(name);
      try {
        i.previous.add(Signal.handle(s, sig -> {
          int code = 128 + sig.getNumber();
          if (i.count.incrementAndGet() == 1) {
            i.exitCode = code;
            i.firstAtMillis = System.currentTimeMillis();
            first.accept(code);
          } else {
            second.accept(i.exitCode);
          }
        }));
        i.installed.add(s);
      } catch (IllegalArgumentException notHere) {
        // a signal the platform or the JVM keeps (-Xrs): the default stays
      }
    }
    return i;
  }

  boolean signalled() {
    return count.get() > 0;
  }

  int exitCode() {
    return exitCode;
  }

  long millisSinceFirst() {
    return System.currentTimeMillis() - firstAtMillis;
  }

  @Override
  public void close() {
    for (int k = 0; k < installed.size(); k++) {
      Signal.handle(installed.get(k), previous.get(k));
    }
  }

  /** The run was interrupted: the CLI has said what is left and exits with this code. */
  static final class Interrupted extends RuntimeException {
    final int exitCode;

    Interrupted(int exitCode) {
      super("interrupted", null, false, false);
      this.exitCode = exitCode;
    }
  }
}
