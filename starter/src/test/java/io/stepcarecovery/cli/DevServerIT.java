package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal without Docker: the dev-server (Temporal's in-memory test server) and the worker run as
 * separate processes, and the CLI drives them: --no-wait, status, watch, cancel.
 */
@Tag("lab")
class DevServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  static Process start(Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LabCa.repo().resolve("stepca-recovery").toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void stop(Process p) throws Exception {
    if (p != null) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aSeparateWorkerDoesTheWorkAndTheCliFollowsIt() throws Exception {
    int port = freePort();
    String temporal = "localhost:" + port;
    Process server = null;
    Process worker = null;
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      server = start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
      Thread.sleep(3000);
      worker = start(tmp.resolve("worker.log"), "worker", "--config", config, "--temporal", temporal);

      Cli.Run started = Cli.run("backup", "--config", config, "--temporal", temporal, "--no-wait");
      assertEquals(0, started.exitCode(), started.stderr());
      String id = started.stdout().strip();
      assertTrue(id.matches("backup-lab-\\d{8}T\\d{6}Z"), started.stdout());

      Cli.Run watch = Cli.run("watch", id, "--temporal", temporal);
      assertEquals(0, watch.exitCode(), watch.stdout() + watch.stderr());
      assertTrue(watch.stdout().contains("✓ 7. Store and verify archive") && watch.stdout().contains("stored and verified"),
          watch.stdout());

      Cli.Run status = Cli.run("status", id, "--temporal", temporal, "--json");
      assertEquals(0, status.exitCode(), status.stderr());
      JsonNode doc = JSON.readTree(status.stdout());
      assertEquals("COMPLETED", doc.get("status").asText());
      assertEquals(9, doc.get("steps").size()); // copy off-host is step 8
      assertTrue(lab.healthy());

      // A restore waiting at its approval gate, cancelled: nothing changes, the CA keeps serving.
      Cli.Run gated = Cli.run("restore", "--config", config, "--temporal", temporal, "--no-wait");
      assertEquals(0, gated.exitCode(), gated.stderr());
      String restoreId = gated.stdout().strip();
      for (int i = 0; i < 50 && !Cli.run("status", restoreId, "--temporal", temporal).stdout().contains("approve"); i++) {
        Thread.sleep(200);
      }
      Cli.Run cancel = Cli.run("cancel", restoreId, "--temporal", temporal);
      assertEquals(0, cancel.exitCode(), cancel.stderr());
      Cli.Run after = Cli.run("watch", restoreId, "--temporal", temporal);
      assertEquals(1, after.exitCode(), after.stdout());
      // the gate and every step after it end cancelled (watch may have begun while the cancellation
      // was under way: a line per change, the last one for each step is how it ended)
      List<String> gate = after.stdout().lines().filter(l -> l.contains(" 3. Approval")).toList();
      assertTrue(gate.get(gate.size() - 1).startsWith("  ⊘ 3. Approval")
          && gate.get(gate.size() - 1).contains("cancelled — before it finished"), after.stdout());
      assertTrue(after.stdout().contains("⊘ 8. Roll back  cancelled — not run"), after.stdout());
      JsonNode cancelled = JSON.readTree(Cli.run("status", restoreId, "--temporal", temporal, "--json").stdout());
      assertEquals("CANCELED", cancelled.get("status").asText());
      // what finished before the gate (verify, and the staging in the same read) stays done; the
      // gate and everything after it reads cancelled, nothing running, pending or skipped
      assertEquals("DONE", cancelled.get("steps").get(0).get("state").asText(), cancelled.toString());
      assertEquals("DONE", cancelled.get("steps").get(1).get("state").asText(), cancelled.toString());
      assertEquals("CANCELLED", cancelled.get("steps").get(2).get("state").asText(), cancelled.toString());
      for (JsonNode step : cancelled.get("steps")) {
        assertTrue(List.of("DONE", "CANCELLED").contains(step.get("state").asText()), cancelled.toString());
      }
      assertEquals("CANCELLED", cancelled.get("steps").get(cancelled.get("steps").size() - 1).get("state").asText());
      Cli.Run text = Cli.run("status", restoreId, "--temporal", temporal);
      assertTrue(text.stdout().contains("⊘ 3. Approval") && !text.stdout().contains("▶"), text.stdout());
      assertTrue(lab.healthy(), "the CA was never touched");

      Cli.Run embeddedNoWait = Cli.run("backup", "--config", config, "--no-wait");
      assertEquals(2, embeddedNoWait.exitCode(), "no --no-wait without a Temporal service");
      Cli.Run unreachable = Cli.run("status", "x", "--temporal", "localhost:" + freePort());
      assertEquals(2, unreachable.exitCode());
      assertTrue(unreachable.stderr().contains("Temporal is unreachable"), unreachable.stderr());
    } finally {
      stop(worker);
      stop(server);
    }
  }
}
