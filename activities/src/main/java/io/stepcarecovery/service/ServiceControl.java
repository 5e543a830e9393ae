package io.stepcarecovery.service;

import java.util.List;

/**
 * Start, stop and look at a service (step-ca, Traefik). One interface, three backends: systemd,
 * docker (Engine API, Podman's included) and operator-supplied commands. Stop and start are
 * idempotent; stop returns only once the process is gone.
 */
public interface ServiceControl {
  boolean isRunning();

  /** One line a person can read: "running (pid 123)", "exited (code 1)", ... */
  String describeState();

  void start();

  void stop();

  default void restart() {
    stop();
    start();
  }

  /** The service's most recent log lines, oldest first; empty when it keeps none we can read. */
  List<String> recentLogLines(int max);
}
