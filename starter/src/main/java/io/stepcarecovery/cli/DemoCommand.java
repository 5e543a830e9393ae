package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "The whole story on this machine, with nothing to configure (Debian 12, as root): install and"
            + " start the lab (a real step-ca built from Debian's source, an HTTPS app), take a backup,"
            + " destroy the CA (kill -9, rm -rf its data), run the full recovery with live progress,"
            + " print the checklist, tear the lab down.",
        "Runs on the embedded Temporal service. Exit 0 when every checklist item passed."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/tmp/stepca-recovery-demo",
      description = "Where the lab lives (default ${DEFAULT-VALUE}); emptied first.")
  Path dir;

  @Option(names = "--keep", description = "Leave the lab running at the end (stop it with lab/down DIR).")
  boolean keep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path repo = repo();
    Path lab = repo.resolve("lab");
    Path config = dir.resolve("config.yaml");
    banner(out, "1/5 Installing the lab (Debian packages, step-ca 0.19 from source; first run takes a few minutes)");
    sh(out, List.of(lab.resolve("install").toString()));
    if (Files.exists(dir.resolve("lab.env"))) {
      sh(out, List.of(lab.resolve("down").toString(), dir.toString()));
    }
    sh(out, List.of("rm", "-rf", dir.toString()));
    sh(out, List.of(lab.resolve("up").toString(), dir.toString()));
    int code;
    try {
      banner(out, "2/5 Pre-change backup");
      code = Main.commandLine().setOut(out).setErr(spec.commandLine().getErr())
          .execute("backup", "--config", config.toString(), "--reason", "demo: before the outage");
      if (code != Main.OK) {
        return code;
      }
      banner(out, "3/5 Outage: the CA is killed and its whole data directory deleted");
      String pid = Files.readString(dir.resolve("step-ca.pid")).strip();
      sh(out, List.of("kill", "-9", pid));
      sh(out, List.of("rm", "-rf", dir.resolve("step").toString()));
      out.println("  step-ca (pid " + pid + ") killed; " + dir.resolve("step") + " deleted. Every TLS client of"
          + " this CA is now in trouble.");
      banner(out, "4/5 Recovery, in the runbook's order");
      code = Main.commandLine().setOut(out).setErr(spec.commandLine().getErr())
          .execute("recover", "--config", config.toString(), "--backup", "latest", "--yes");
    } finally {
      if (!keep) {
        banner(out, "5/5 Tearing the lab down");
        sh(out, List.of(lab.resolve("down").toString(), dir.toString()));
      } else {
        banner(out, "5/5 The lab keeps running: " + lab.resolve("down") + " " + dir + " stops it");
      }
    }
    out.println(code == Main.OK ? "Demo complete: the CA was recovered and every check passed."
        : "Demo finished with failures (exit " + code + "): see the checklist above.");
    out.flush();
    return code;
  }

  private static void banner(PrintWriter out, String text) {
    out.println();
    out.println("== " + text);
    out.flush();
  }

  private static void sh(PrintWriter out, List<String> cmd) throws IOException, InterruptedException {
    out.flush();
    Process p = new ProcessBuilder(cmd).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    int code = p.waitFor();
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " exited " + code);
    }
  }

  private static Path repo() {
    String prop = System.getProperty("stepca.repo");
    for (Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("lab/up"))) {
        return p;
      }
    }
    throw new ConfigException("demo needs the repository's lab/ directory: run it as ./stepca-recovery demo"
        + " from a clone of stepca-recovery");
  }
}
