package io.stepcarecovery.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel knows it: pid plus its start time in clock ticks since boot
 * ({@code /proc/PID/stat} field 22). A pid alone is not an identity: after the holder died, the
 * kernel may hand the same pid to an unrelated process.
 */
public record ProcessIdentity(long pid, String startTime) {

  public static ProcessIdentity self() {
    long pid = ProcessHandle.current().pid();
    return new ProcessIdentity(pid, startTimeOf(pid).orElse(null));
  }

  /** The start time of a live process, or empty when no process has that pid here. */
  public static Optional<String> startTimeOf(long pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return rest.length > 19 ? Optional.of(rest[19]) : Optional.empty();
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
  }

  /** Whether this very process (same pid, same start) still runs on this host. */
  public boolean alive() {
    Optional<String> now = startTimeOf(pid);
    return now.isPresent() && (startTime == null || now.get().equals(startTime));
  }

  /** This host's name as the kernel has it (no DNS lookup: it may be the outage). */
  public static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
