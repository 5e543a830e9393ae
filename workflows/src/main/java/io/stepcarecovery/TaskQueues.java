package io.stepcarecovery;

/**
 * Where each side effect runs. Workflows and client-side probes share one queue; anything that
 * touches a CA's files or its process runs on the queue of the host it lives on (Temporal's
 * worker-specific task queue pattern, as in the samples' file processing).
 */
public final class TaskQueues {
  public static final String SHARED = "stepca-recovery";

  private TaskQueues() {}

  public static String forHost(String host) {
    return SHARED + "@" + host;
  }
}
