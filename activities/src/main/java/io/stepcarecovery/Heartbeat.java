package io.stepcarecovery;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.function.LongConsumer;

/**
 * Progress reports of a long copy, sent as activity heartbeats at most once a second: they tell
 * Temporal the worker is alive (a dead one is noticed within the heartbeat timeout) and deliver
 * cancellation to the copy.
 */
public final class Heartbeat implements LongConsumer {
  private final ActivityExecutionContext context;
  private final String what;
  private long last;

  private Heartbeat(ActivityExecutionContext context, String what) {
    this.context = context;
    this.what = what;
  }

  /** For the current activity; a no-op outside one (plain tests of the file code). */
  public static LongConsumer of(String what) {
    try {
      return new Heartbeat(Activity.getExecutionContext(), what);
    } catch (IllegalStateException | NullPointerException notInActivity) {
      return n -> {};
    }
  }

  @Override
  public void accept(long bytes) {
    long now = System.nanoTime();
    if (now - last > 1_000_000_000L) {
      last = now;
      context.heartbeat(what + ": " + bytes + " bytes");
    }
  }
}
