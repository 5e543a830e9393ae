package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's guards from a shell, on the real lab: a serving CA is not recovered unless told
 * --even-if-healthy; the approval gate is answered by approve/abort from another process and
 * ends by itself at its deadline; a command whose config means another CA than the worker's is
 * refused, naming both. Each refusal changes nothing and leaves the CA lock free.
 */
@Tag("lab")
class GuardsCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private static List<Path> movedAside(LabCa lab) throws Exception {
    try (Stream<Path> s = Files.list(lab.stepPath().getParent())) {
      return s.filter(p -> p.getFileName().toString().contains(".pre-restore-")
          || p.getFileName().toString().contains(".restoring-")).toList();
    }
  }

  private static long archives(Path store) throws Exception {
    try (Stream<Path> s = Files.walk(store)) {
      return s.filter(p -> p.getFileName().toString().matches(".*\\.tar\\.gz(\\.gpg)?")).count();
    }
  }

  @Test
  void recoverOfAServingCaIsRefusedWithNothingChangedAndGoesAheadWithEvenIfHealthy() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config).exitCode());
      Path marker = lab.stepPath().resolve("config/after-backup.txt");
      Files.writeString(marker, "live data written after the backup");

      Cli.Run refused = Cli.run("recover", "--config", config, "--yes");
      assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
      String err = refused.stderr().strip();
      assertTrue(err.contains("CA lab is healthy (GET " + lab.caUrl() + "/health → ok; HEAD ")
          && err.contains("Replay-Nonce"), err);
      assertTrue(err.endsWith("To replace its live data anyway: stepca-recovery recover --ca lab --config " + config
          + " --even-if-healthy"), err);
      assertEquals("live data written after the backup", Files.readString(marker), "nothing changed");
      assertEquals(List.of(), movedAside(lab), "nothing moved aside or staged");
      assertTrue(lab.healthy(), "the CA was never stopped");

      // The printed command, as printed (plus --yes: no terminal here): the lock is free again.
      Cli.Run allowed = Cli.run("recover", "--ca", "lab", "--config", config, "--even-if-healthy", "--yes", "--json");
      assertEquals(0, allowed.exitCode(), allowed.stdout() + allowed.stderr());
      assertTrue(JSON.readTree(allowed.stdout()).get("ok").asBoolean(), allowed.stdout());
      assertFalse(Files.exists(marker), "the backup's data serves");
      assertEquals(1, movedAside(lab).size(), "the live data was moved aside, not deleted");
      assertTrue(lab.healthy());
    }
  }

  @Test
  void theGateIsAnsweredByApproveAndAbortAndEndsAtItsDeadline() throws Exception {
    int port = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = null;
    Process worker = null;
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
      CrashIT.awaitListening(port, 60);
      worker = DevServerIT.start(tmp.resolve("worker.log"), "worker", "--config", config, "--temporal", temporal);
      CrashIT.awaitLogged(tmp.resolve("worker.log"), "worker polling", 120);
      assertEquals(0, Cli.run("backup", "--config", config, "--temporal", temporal).exitCode());
      Path marker = lab.stepPath().resolve("config/after-backup.txt");
      Files.writeString(marker, "live data written after the backup");

      // --no-wait without --yes: the id on stdout, the exact commands that answer the gate on stderr.
      Cli.Run started = Cli.run("restore", "--config", config, "--temporal", temporal, "--no-wait");
      assertEquals(0, started.exitCode(), started.stderr());
      String id = started.stdout().strip();
      assertTrue(started.stderr().contains("  stepca-recovery approve --config " + config + " --temporal " + temporal
          + " " + id + "\n"), started.stderr());
      assertTrue(started.stderr().contains("  stepca-recovery abort --config " + config + " --temporal " + temporal
          + " " + id + " --reason 'TEXT'\n"), started.stderr());
      awaitGate(id, temporal);
      assertTrue(Files.exists(marker), "nothing changed while it waits");

      Cli.Run approve = Cli.run("approve", "--config", config, "--temporal", temporal, id);
      assertEquals(0, approve.exitCode(), approve.stdout() + approve.stderr());
      assertTrue(approve.stdout().startsWith("Approved: run " + id + " goes on"), approve.stdout());
      Cli.Run done = Cli.run("watch", id, "--temporal", temporal, "--json");
      assertEquals(0, done.exitCode(), done.stdout() + done.stderr());
      assertTrue(JSON.readTree(done.stdout()).get("ok").asBoolean(), done.stdout());
      assertFalse(Files.exists(marker), "approved: the backup's data serves");

      Cli.Run again = Cli.run("approve", "--temporal", temporal, id);
      assertEquals(1, again.exitCode(), again.stdout() + again.stderr());
      assertTrue(again.stdout().contains("has already ended (COMPLETED): nothing to approve"), again.stdout());
      Cli.Run unknown = Cli.run("approve", "--temporal", temporal, "restore-lab-nosuch");
      assertEquals(2, unknown.exitCode(), unknown.stdout() + unknown.stderr());
      assertTrue(unknown.stderr().contains("no run restore-lab-nosuch in namespace default"), unknown.stderr());

      // abort: the run ends with nothing changed and the lock released.
      Files.writeString(marker, "written again");
      Cli.Run second = Cli.run("restore", "--config", config, "--temporal", temporal, "--no-wait");
      String abortId = second.stdout().strip();
      awaitGate(abortId, temporal);
      Cli.Run abort = Cli.run("abort", "--temporal", temporal, abortId, "--reason", "wrong backup");
      assertEquals(0, abort.exitCode(), abort.stdout() + abort.stderr());
      Cli.Run aborted = Cli.run("watch", abortId, "--temporal", temporal);
      assertEquals(1, aborted.exitCode(), aborted.stdout() + aborted.stderr());
      assertTrue(aborted.stderr().contains("aborted before anything changed: wrong backup"), aborted.stderr());
      assertEquals("written again", Files.readString(marker));

      // Unanswered, the gate ends the run at its deadline (here the config's approvalTimeout: no
      // flag); watch said how to answer it meanwhile.
      Path shortGate = tmp.resolve("short-gate.yaml");
      Files.writeString(shortGate, "approvalTimeout: 8s\n" + Files.readString(lab.configFile()));
      Cli.Run third = Cli.run("restore", "--config", shortGate.toString(), "--temporal", temporal, "--no-wait");
      String lateId = third.stdout().strip();
      Cli.Run late = Cli.run("watch", lateId, "--temporal", temporal);
      assertEquals(1, late.exitCode(), late.stdout() + late.stderr());
      assertTrue(late.stderr().contains("  approve: stepca-recovery approve --temporal " + temporal + " " + lateId),
          late.stderr());
      assertTrue(late.stderr().contains("not approved within 8 s") && late.stderr().contains("nothing changed"),
          late.stderr());
      assertEquals("written again", Files.readString(marker));
      assertTrue(lab.healthy());

      // The lock is free: a backup runs at once (exit 0, not "locked by").
      Cli.Run after = Cli.run("backup", "--config", config, "--temporal", temporal);
      assertEquals(0, after.exitCode(), after.stdout() + after.stderr());
    } finally {
      DevServerIT.stop(worker);
      DevServerIT.stop(server);
    }
  }

  @Test
  void aCommandWhoseConfigMeansAnotherCaThanTheWorkersIsRefusedNamingBoth() throws Exception {
    int port = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = null;
    Process worker = null;
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      Path store = lab.dir().resolve("backups");
      Path otherStore = tmp.resolve("lab5-backups");
      Files.createDirectories(otherStore);
      Path lab5 = tmp.resolve("lab5.yaml");
      Files.writeString(lab5, Files.readString(lab.configFile()).replace(store.toString(), otherStore.toString()));
      server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
      CrashIT.awaitListening(port, 60);
      worker = DevServerIT.start(tmp.resolve("worker.log"), "worker", "--config", config, "--temporal", temporal);
      CrashIT.awaitLogged(tmp.resolve("worker.log"), "worker polling", 120);
      long before = Files.exists(store) ? archives(store) : 0;

      Cli.Run backup = Cli.run("backup", "--config", lab5.toString(), "--temporal", temporal);
      assertEquals(2, backup.exitCode(), backup.stdout() + backup.stderr());
      String err = backup.stderr();
      assertTrue(err.contains("worker: caConfig " + lab.caJson() + ", url " + lab.caUrl() + ", store " + store)
          && err.contains("command: caConfig " + lab.caJson() + ", url " + lab.caUrl() + ", store " + otherStore), err);
      assertEquals(before, Files.exists(store) ? archives(store) : 0, "no backup was made in the worker's store");
      assertEquals(0, archives(otherStore));

      Cli.Run restore = Cli.run("restore", "--config", lab5.toString(), "--temporal", temporal, "--yes");
      assertEquals(2, restore.exitCode(), restore.stdout() + restore.stderr());
      assertTrue(restore.stderr().contains("store " + otherStore), restore.stderr());
      assertTrue(lab.healthy());
      assertEquals(List.of(), movedAside(lab));

      // The worker's own config: the same backup goes ahead.
      assertEquals(0, Cli.run("backup", "--config", config, "--temporal", temporal).exitCode());
    } finally {
      DevServerIT.stop(worker);
      DevServerIT.stop(server);
    }
  }

  private static void awaitGate(String id, String temporal) throws Exception {
    for (int i = 0; i < 150; i++) {
      Cli.Run s = Cli.run("status", id, "--temporal", temporal);
      if (s.stdout().contains("approve")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + id + " never reached its approval gate");
  }
}
