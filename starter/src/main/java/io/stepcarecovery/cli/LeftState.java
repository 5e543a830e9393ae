package io.stepcarecovery.cli;

import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;
import io.stepcarecovery.service.ServiceControl;
import io.stepcarecovery.service.ServiceControls;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an interrupted run left on the CA host, seen from there (in embedded mode this machine is
 * the CA host): whether the CA runs, asked of its service, and where each of its directories is —
 * live, moved aside by a restore ({@code .pre-restore-*}), or staged and not swapped in
 * ({@code .restoring-*}).
 */
record LeftState(boolean running, String state, List<String> lines) {

  static LeftState of(CaConfig c) {
    List<String> lines = new ArrayList<>();
    boolean running;
    String state;
    try {
      ServiceControl service = ServiceControls.of(c.name(), c.service());
      running = service.isRunning();
      state = service.describeState();
    } catch (RuntimeException e) {
      running = false;
      state = "unknown: its service cannot be asked (" + e.getMessage() + ")";
    }
    lines.add("CA " + c.name() + ": " + (running ? "running" : "NOT RUNNING") + " (" + state + ")");
    for (Path root : roots(c)) {
      lines.add("  live data     " + root + (Files.isDirectory(root) ? "" : "  (MISSING)"));
      for (Path p : siblings(root, ".pre-restore-")) {
        lines.add("  moved aside   " + p + "  (the data before a restore; kept until you delete it)");
      }
      for (Path p : siblings(root, ".restoring-")) {
        lines.add("  staging left  " + p + "  (a restore's unpacked backup, not in use: delete it once the CA runs)");
      }
    }
    return new LeftState(running, state, lines);
  }

  /** The command that starts the CA by hand, as its service config says. */
  static String startCommand(CaConfig c) {
    ServiceConfig s = c.service();
    return switch (s.type()) {
      case "systemd" -> "systemctl start " + s.unit();
      case "docker" -> "docker start " + s.container();
      default -> s.start();
    };
  }

  /** STEPPATH, and the database directory when it lies outside it. */
  private static Set<Path> roots(CaConfig c) {
    Set<Path> roots = new LinkedHashSet<>();
    roots.add(StepPath.of(c.caConfig()));
    try {
      CaJson ca = CaJson.read(c.caConfig());
      if (ca.db() != null && ca.db().dataSource() != null && ca.db().isBadger()
          && !ca.db().dataSource().startsWith(StepPath.of(c.caConfig()))) {
        roots.add(ca.db().dataSource());
      }
    } catch (RuntimeException unreadable) {
      // ca.json moved aside or half-restored: STEPPATH alone is named
    }
    return roots;
  }

  private static List<Path> siblings(Path root, String infix) {
    List<Path> found = new ArrayList<>();
    Path parent = root.getParent();
    if (parent == null || root.getFileName() == null) {
      return found;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, root.getFileName() + infix + "*")) {
      ds.forEach(found::add);
    } catch (IOException e) {
      // nothing to name
    }
    found.sort(null);
    return found;
  }
}
