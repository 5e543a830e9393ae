package io.stepcarecovery;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** Turns Temporal's nested failures into the one line a person needs. */
public final class Failures {
  private Failures() {}

  public static String rootMessage(Throwable e) {
    Throwable t = e;
    String best = e.getMessage();
    while (t != null) {
      if (t instanceof ApplicationFailure af) {
        best = af.getOriginalMessage();
      } else if (t instanceof TemporalFailure tf && tf.getCause() == null) {
        best = tf.getOriginalMessage();
      }
      t = t.getCause();
    }
    return best == null ? e.toString() : best;
  }
}
