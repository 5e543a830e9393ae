package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * backup --all's usage errors (exit 2, nothing started): with --ca, and without a Temporal service
 * (an embedded run would do every host's steps on this one). The runs themselves: FleetCliIT.
 */
class BackupAllUsageTest {
  @TempDir Path tmp;

  @Test
  void allAndCaExcludeEachOther() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yaml"), "temporal: { address: \"127.0.0.1:1\" }\n" + ConfigYaml.ONE_CA);
    Result r = run("backup", "--all", "--ca", "main", "--config", config.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("--all and --ca exclude each other"), r.err);
    assertEquals("", r.out);
  }

  @Test
  void allNeedsATemporalService() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yaml"), ConfigYaml.ONE_CA);
    Result r = run("backup", "--all", "--config", config.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("--all needs a Temporal service") && r.err.contains("stepca-recovery backup --ca NAME"),
        r.err);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
