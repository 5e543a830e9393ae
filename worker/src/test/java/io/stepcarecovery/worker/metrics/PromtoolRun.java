package io.stepcarecovery.worker.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's promtool (package prometheus, installed by lab/install), run as CI would. */
final class PromtoolRun {
  static final String PROMTOOL = "/usr/bin/promtool";

  private PromtoolRun() {}

  /** promtool check metrics on a scrape: "" when it passes (rc 0), else its rc and output. */
  static String checkMetrics(String scrape) throws IOException, InterruptedException {
    return run(scrape, PROMTOOL, "check", "metrics");
  }

  /** promtool with these arguments in {@code dir}: "" when rc 0, else its rc and output. */
  static String run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PROMTOOL));
    cmd.addAll(List.of(args));
    return run(null, dir, cmd);
  }

  private static String run(String stdin, String... cmd) throws IOException, InterruptedException {
    return run(stdin, null, List.of(cmd));
  }

  private static String run(String stdin, Path dir, List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out: " + cmd;
    }
    return p.exitValue() == 0 ? "" : "rc " + p.exitValue() + ": " + out;
  }
}
