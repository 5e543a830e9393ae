package io.stepcarecovery.drill;

import io.stepcarecovery.config.DrillConfig;
import io.stepcarecovery.lock.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command backend: {@code drill.command} (the production binary, e.g. /usr/bin/step-ca)
 * with {@code --password-file PW CA_JSON}, as a child of the worker with STEPPATH set to the
 * sandbox and its output in the sandbox's log. Known by pid and start time, so a recycled pid is
 * never signalled.
 */
final class CommandSandbox implements SandboxBackend {
  private static final long STOP_GRACE_MILLIS = 30_000;
  private final DrillConfig config;

  CommandSandbox(DrillConfig config) {
    this.config = config;
  }

  @Override
  public SandboxMarker start(SandboxMarker marker, Launch launch) throws IOException {
    List<String> argv = new ArrayList<>(SandboxBackend.words(config.command()));
    argv.addAll(launch.stepCaArgs());
    ProcessBuilder pb = new ProcessBuilder(argv).directory(launch.dir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
    pb.environment().put("STEPPATH", launch.stepPath().toString());
    pb.environment().put("HOME", launch.dir().toString());
    Process p = pb.start();
    return marker.withPid(p.pid(), ProcessIdentity.startTimeOf(p.pid()).orElse(null));
  }

  @Override
  public boolean running(SandboxMarker m) {
    return identity(m).map(ProcessIdentity::alive).orElse(false) && !zombie(m.pid());
  }

  @Override
  public void stop(SandboxMarker m) {
    Optional<ProcessIdentity> id = identity(m);
    if (id.isEmpty() || !id.get().alive()) {
      return;
    }
    ProcessHandle.of(m.pid()).ifPresent(h -> {
      h.destroy(); // SIGTERM: step-ca closes badger
      long until = System.currentTimeMillis() + STOP_GRACE_MILLIS;
      while (h.isAlive() && !zombie(m.pid()) && System.currentTimeMillis() < until) {
        sleep();
      }
      if (h.isAlive() && !zombie(m.pid())) {
        h.destroyForcibly();
        long kill = System.currentTimeMillis() + 5_000;
        while (h.isAlive() && !zombie(m.pid()) && System.currentTimeMillis() < kill) {
          sleep();
        }
      }
    });
    if (running(m)) {
      throw new IllegalStateException("sandbox step-ca (pid " + m.pid() + ") still runs after SIGKILL");
    }
  }

  @Override
  public List<String> logLines(SandboxMarker m, Path dir, int max) {
    Path log = dir.resolve("step-ca.log");
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return all.subList(Math.max(0, all.size() - max), all.size());
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static Optional<ProcessIdentity> identity(SandboxMarker m) {
    if (m.pid() == null || m.pid() <= 1) {
      return Optional.empty();
    }
    return Optional.of(new ProcessIdentity(m.pid(), m.pidStart()));
  }

  /** A child that exited but was not reaped yet (its parent, the worker, may be gone) counts as gone. */
  private static boolean zombie(Long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException gone) {
      return true;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the sandbox", e);
    }
  }
}
