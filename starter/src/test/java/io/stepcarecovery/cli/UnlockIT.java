package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an embedded run that holds the CA, as an operator meets it: while the run lives, the
 * next run and {@code unlock} refuse and say where it lives; once it is gone, the next run takes
 * the lock over by itself and says so, and {@code unlock --yes} removes a stale lock. Separate
 * processes throughout; the CA is the real lab.
 */
@Tag("crash")
class UnlockIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void aKilledEmbeddedRunsLockIsRefusedWhileItLivesAndTakenOverOnceItIsGone() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      Path lock = lab.dir().resolve("run/lab.lock");
      // The held run: its CA status check hangs (a slow service manager), right after it took the lock.
      String ctlStatus = LabCa.repo().resolve("lab/ca-ctl") + " " + lab.dir() + " status";
      Path slow = tmp.resolve("slow.yaml");
      String yaml = Files.readString(lab.configFile());
      assertTrue(yaml.contains("status: \"" + ctlStatus + "\""), yaml);
      Files.writeString(slow, yaml.replace("status: \"" + ctlStatus + "\"", "status: \"sleep 120; " + ctlStatus + "\""));
      Process held = DevServerIT.start(tmp.resolve("held.log"), "backup", "--config", slow.toString(), "--reason", "held");
      try {
        for (int i = 0; i < 600 && !Files.exists(lock); i++) {
          Thread.sleep(100);
        }
        assertTrue(Files.exists(lock), "the held run took the lock: " + Files.readString(tmp.resolve("held.log")));
        JsonNode record = JSON.readTree(lock.toFile());
        assertEquals(held.pid(), record.get("pid").asLong(), record.toString());
        assertEquals("embedded", record.get("temporal").asText());
        String id = record.get("workflowId").asText();
        assertTrue(id.startsWith("backup-lab-"), id);
        assertTrue(record.hasNonNull("processStart") && record.hasNonNull("host") && record.hasNonNull("createdAt"));

        Cli.Run busy = Cli.run("backup", "--config", config);
        assertEquals(1, busy.exitCode(), busy.stdout() + busy.stderr());
        assertTrue(busy.stderr().contains("CA lab is busy: run " + id)
            && busy.stderr().contains("an embedded run inside process " + held.pid()), busy.stderr());

        Cli.Run refused = Cli.run("unlock", "--config", config, "--yes");
        assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
        assertTrue(refused.stdout().contains(id) && refused.stdout().contains("ALIVE")
            && refused.stdout().contains("CA       running"), refused.stdout());
        assertTrue(refused.stderr().contains("only when no run of CA lab is going on"), refused.stderr());
        assertTrue(Files.exists(lock), "a live holder's lock is kept");
      } finally {
        // SIGKILL, and its hanging status command with it (an orphan would run on).
        java.util.List<ProcessHandle> children = held.descendants().toList();
        CrashIT.kill9(held);
        children.forEach(ProcessHandle::destroyForcibly);
      }
      assertTrue(lab.healthy(), "killed before it stopped the CA");

      Cli.Run look = Cli.run("unlock", "--config", config, "--json");
      assertEquals(2, look.exitCode(), "no --yes and no terminal: " + look.stdout() + look.stderr());
      assertTrue(look.stderr().contains("pass --yes"), look.stderr());
      assertTrue(Files.exists(lock), "not removed without --yes");

      // The next run needs nobody to clean up: it finds the holder gone, says so, and proceeds.
      Cli.Run next = Cli.run("backup", "--config", config, "--reason", "after the kill");
      assertEquals(0, next.exitCode(), next.stdout() + next.stderr());
      assertTrue(next.stdout().contains("lock taken over: found the lock of run backup-lab-")
          && next.stdout().contains("whose process is gone"), next.stdout());
      assertFalse(Files.exists(lock), "given back");
      assertTrue(lab.healthy());

      // unlock itself: nothing to do on a free CA; a stale lock removed with --yes.
      Cli.Run free = Cli.run("unlock", "--config", config, "--ca", "lab");
      assertEquals(0, free.exitCode(), free.stderr());
      assertTrue(free.stdout().contains("CA lab is not locked"), free.stdout());
      Files.write(lock, new byte[0]);
      Cli.Run removed = Cli.run("unlock", "--config", config, "--yes", "--json");
      assertEquals(0, removed.exitCode(), removed.stdout() + removed.stderr());
      JsonNode doc = JSON.readTree(removed.stdout());
      assertTrue(doc.get("removed").asBoolean() && doc.get("holderState").asText().contains("an empty lock"), removed.stdout());
      assertFalse(Files.exists(lock));

      Cli.Run help = Cli.run("unlock", "--help");
      assertEquals(0, help.exitCode());
      assertTrue(help.stdout().contains("Usage: stepca-recovery unlock") && help.stdout().contains("--force"), help.stdout());
    }
  }
}
