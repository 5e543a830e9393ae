package io.stepcarecovery.drill;

import io.stepcarecovery.config.DrillConfig;
import io.stepcarecovery.service.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The systemd backend: a transient unit {@code stepca-drill-<id>.service} made by
 * {@code systemd-run} (so systemd supervises it as it does production, and removes it when it
 * stops: {@code --collect}), running {@code drill.command} with {@code --password-file PW
 * CA_JSON} and STEPPATH set to the sandbox; its log is the unit's journal.
 */
final class SystemdSandbox implements SandboxBackend {
  private final DrillConfig config;

  SystemdSandbox(DrillConfig config) {
    this.config = config;
  }

  static String unitOf(String drillId) {
    return "stepca-" + drillId + ".service";
  }

  @Override
  public SandboxMarker start(SandboxMarker marker, Launch launch) throws IOException {
    List<String> argv = new ArrayList<>(List.of("systemd-run", "--unit", marker.unit(), "--collect",
        "--property=Type=exec", "--setenv=STEPPATH=" + launch.stepPath(), "--setenv=HOME=" + launch.dir(),
        "--working-directory=" + launch.dir()));
    argv.addAll(SandboxBackend.words(config.command()));
    argv.addAll(launch.stepCaArgs());
    Shell.Result r = Shell.run(argv, 60);
    if (r.exitCode() != 0) {
      throw new IOException("systemd-run " + marker.unit() + " failed with exit " + r.exitCode() + ": " + r.tail());
    }
    return marker;
  }

  @Override
  public boolean running(SandboxMarker m) {
    return Shell.run(List.of("systemctl", "is-active", "--quiet", m.unit()), 30).exitCode() == 0;
  }

  @Override
  public void stop(SandboxMarker m) {
    // Blocks until the main process exited; a unit already gone is fine (idempotent).
    Shell.run(List.of("systemctl", "stop", m.unit()), 120);
    Shell.run(List.of("systemctl", "reset-failed", m.unit()), 30);
    if (running(m)) {
      throw new IllegalStateException("unit " + m.unit() + " still active after systemctl stop");
    }
  }

  @Override
  public List<String> logLines(SandboxMarker m, Path dir, int max) {
    Shell.Result r = Shell.run(List.of("journalctl", "-u", m.unit(), "-n", String.valueOf(max), "--no-pager",
        "-o", "cat"), 30);
    return r.output().lines().toList();
  }
}
