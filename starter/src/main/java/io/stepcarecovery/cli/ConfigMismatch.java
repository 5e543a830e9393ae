package io.stepcarecovery.cli;

import io.temporal.failure.ApplicationFailure;

/** A run refused because the worker's config describes the CA otherwise than the command's. */
final class ConfigMismatch {
  static final String TYPE = io.stepcarecovery.ca.SameConfig.CONFIG_MISMATCH;

  private ConfigMismatch() {}

  static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a && TYPE.equals(a.getType())) {
        return true;
      }
    }
    return false;
  }
}
