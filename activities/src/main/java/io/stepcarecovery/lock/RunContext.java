package io.stepcarecovery.lock;

/**
 * Where the runs this process works on live, for the lock it takes: the Temporal address its
 * worker polls, or {@code "embedded"} when this process is its own Temporal service (then the
 * run ends with this process, and {@code status ID} cannot reach it from another one).
 */
public final class RunContext {
  private static volatile String temporal;

  private RunContext() {}

  public static void embedded() {
    temporal = "embedded";
  }

  public static void temporal(String address) {
    if (!"embedded".equals(temporal)) {
      temporal = address;
    }
  }

  /** The address, "embedded", or null when not known (a test harness). */
  public static String current() {
    return temporal;
  }
}
