package io.stepcarecovery.service;

import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A service controlled by operator-supplied shell commands (Proxmox {@code pct exec}, SSH, the
 * lab's ca-ctl). The status command follows LSB: exit 0 running, 1 to 3 not running.
 */
public final class CommandService implements ServiceControl {
  private final String name;
  private final ServiceConfig config;

  public CommandService(String name, ServiceConfig config) {
    this.name = name;
    this.config = config;
  }

  @Override
  public boolean isRunning() {
    Shell.Result r = Shell.bash(config.status(), 60);
    if (r.exitCode() == 0) {
      return true;
    }
    if (r.exitCode() >= 1 && r.exitCode() <= 3) {
      return false;
    }
    throw new ServiceException("status command of " + name + " exited " + r.exitCode()
        + " (expected 0 = running, 1-3 = stopped): " + config.status() + "\n" + r.tail());
  }

  @Override
  public String describeState() {
    Shell.Result r = Shell.bash(config.status(), 60);
    String said = r.output().strip();
    return (r.exitCode() == 0 ? "running" : "not running (status exit " + r.exitCode() + ")")
        + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse(""));
  }

  @Override
  public void start() {
    if (isRunning()) {
      return;
    }
    check("start", Shell.bash(config.start(), 120), config.start());
  }

  @Override
  public void stop() {
    if (!isRunning()) {
      return;
    }
    check("stop", Shell.bash(config.stop(), 180), config.stop());
    if (isRunning()) {
      throw new ServiceException("stop command of " + name + " returned but status still says running: "
          + config.stop());
    }
  }

  @Override
  public void restart() {
    if (config.restart() != null && !config.restart().isBlank()) {
      check("restart", Shell.bash(config.restart(), 180), config.restart());
    } else {
      ServiceControl.super.restart();
    }
  }

  @Override
  public List<String> recentLogLines(int max) {
    Path log = config.log();
    return log == null ? List.of() : LogTail.lastLines(log, max);
  }

  private void check(String what, Shell.Result r, String command) {
    if (r.exitCode() != 0) {
      throw new ServiceException(what + " command of " + name + " failed with exit " + r.exitCode()
          + ": " + command + "\n" + r.tail());
    }
  }
}
