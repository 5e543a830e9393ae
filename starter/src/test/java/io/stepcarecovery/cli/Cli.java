package io.stepcarecovery.cli;

import io.stepcarecovery.lab.LabCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs ./stepca-recovery from a shell, as an operator would, and keeps what it printed. */
final class Cli {
  record Run(int exitCode, String stdout, String stderr) {}

  private Cli() {}

  static Run run(String... args) throws Exception {
    return run(java.util.Map.of(), args);
  }

  /** With environment variables changed; an empty value removes the variable. */
  static Run run(java.util.Map<String, String> env, String... args) throws Exception {
    Path repo = LabCa.repo();
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("stepca-recovery").toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    env.forEach((k, v) -> {
      if (v.isEmpty()) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("stepca-recovery " + String.join(" ", args) + " hung");
    }
    Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}
