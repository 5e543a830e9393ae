package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --json, however a command declares it, makes its error one JSON document on stdout too. */
class JsonErrorsTest {
  @TempDir Path tmp;

  @Test
  void everyCommandWithJsonReportsItsErrorAsADocument() throws Exception {
    String missing = tmp.resolve("absent.yaml").toString();
    for (List<String> args : List.of(List.of("backup"), List.of("backups"), List.of("check"), List.of("forget", "--keep", "3"),
        List.of("verify"), List.of("list"), List.of("unlock"), List.of("restore", "--yes"))) {
      for (boolean json : new boolean[] {true, false}) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of("--config", missing));
        if (json) {
          all.add("--json");
        }
        int code = cl.execute(all.toArray(String[]::new));
        assertEquals(2, code, all + ": " + err);
        assertTrue(err.toString().contains("absent.yaml"), all + ": " + err);
        if (json) {
          JsonNode doc = Output.JSON.readTree(out.toString());
          assertFalse(doc.get("ok").asBoolean(), all + ": " + out);
          assertEquals(2, doc.get("exitCode").asInt());
          assertTrue(doc.get("error").asText().contains("absent.yaml"), out.toString());
        } else {
          assertEquals("", out.toString(), all + ": stdout stays empty without --json");
        }
      }
    }
  }
}
