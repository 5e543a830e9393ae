package io.stepcarecovery.service;

import java.util.List;

/**
 * A systemd unit, through systemctl and journalctl. Deliberately thin. Tested against a real
 * systemd: lab/up --systemd runs step-ca and the worker as units in a container whose PID 1 is
 * systemd (NewHostRecoveryIT), since systemd cannot be PID 1 of the lab machine itself.
 */
public final class SystemdService implements ServiceControl {
  private final String unit;

  public SystemdService(String unit) {
    this.unit = unit;
  }

  @Override
  public boolean isRunning() {
    // is-active exits 0 only for "active"; 3 for inactive/failed.
    return Shell.run(List.of("systemctl", "is-active", "--quiet", unit), 30).exitCode() == 0;
  }

  @Override
  public String describeState() {
    return unit + ": " + Shell.run(List.of("systemctl", "is-active", unit), 30).output().strip();
  }

  @Override
  public void start() {
    run("start");
  }

  @Override
  public void stop() {
    // systemctl stop blocks until the unit's main process has exited (or TimeoutStopSec).
    run("stop");
  }

  @Override
  public void restart() {
    run("restart");
  }

  @Override
  public List<String> recentLogLines(int max) {
    Shell.Result r = Shell.run(List.of("journalctl", "-u", unit, "-n", String.valueOf(max),
        "--no-pager", "-o", "cat", "-b"), 30);
    return r.exitCode() == 0 ? r.output().lines().toList() : List.of();
  }

  private void run(String verb) {
    Shell.Result r = Shell.run(List.of("systemctl", verb, unit), 180);
    if (r.exitCode() != 0) {
      throw new ServiceException("systemctl " + verb + " " + unit + " failed with exit "
          + r.exitCode() + ": " + r.tail() + " (see journalctl -u " + unit + ")");
    }
  }
}
