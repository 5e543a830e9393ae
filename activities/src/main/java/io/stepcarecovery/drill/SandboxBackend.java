package io.stepcarecovery.drill;

import io.stepcarecovery.config.DrillConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a sandbox step-ca is started, watched and stopped: the same binary (or image) as the
 * production CA, on the sandbox's ca.json. Every backend starts something named after the drill
 * alone (a pid, a transient unit, a container), so stopping it can never reach production.
 */
interface SandboxBackend {
  /**
   * Starts the sandbox step-ca; returns the marker with what identifies it. Returns once it was
   * spawned; health is awaited apart.
   */
  SandboxMarker start(SandboxMarker marker, Launch launch) throws IOException;

  /** Whether what the marker names still runs. */
  boolean running(SandboxMarker marker);

  /** Stops what the marker names, and waits until it exited; idempotent. */
  void stop(SandboxMarker marker);

  /** The newest log lines of the sandbox step-ca. */
  List<String> logLines(SandboxMarker marker, Path dir, int max);

  /**
   * @param args the step-ca arguments after the configured command: {@code --password-file PW CA_JSON}
   * @param stepPath the sandbox's STEPPATH (relative paths in ca.json resolve against it)
   * @param log where the command backend writes step-ca's output
   */
  record Launch(Path dir, Path caJson, Path stepPath, Path passwordFile, Path log) {
    List<String> stepCaArgs() {
      List<String> a = new ArrayList<>();
      if (passwordFile != null) {
        a.add("--password-file");
        a.add(passwordFile.toString());
      }
      a.add(caJson.toString());
      return a;
    }
  }

  static SandboxBackend of(String backend, DrillConfig d) {
    return switch (backend) {
      case DrillConfig.SYSTEMD -> new SystemdSandbox(d);
      case DrillConfig.DOCKER -> new DockerSandbox(d);
      default -> new CommandSandbox(d);
    };
  }

  /** The configured command, split on white space (no shell: nothing in it is interpreted). */
  static List<String> words(String command) {
    List<String> w = new ArrayList<>();
    if (command != null) {
      for (String s : command.strip().split("\\s+")) {
        if (!s.isEmpty()) {
          w.add(s);
        }
      }
    }
    return w;
  }
}
