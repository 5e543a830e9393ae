package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.store.BackupStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes for real: the dev-server (Temporal's in-memory test server — the one fake), the workflow
 * worker and the CA host's worker run as separate processes, and the CA host's worker is killed
 * with SIGKILL while it holds a given step (held there by its crash-test pause,
 * STEPCA_RECOVERY_TEST_PAUSE). A new host worker must finish the run; the CA must be running; no
 * half-written archive may count as a backup; the live data must never be lost.
 *
 * <p>The workflow worker is killed too (one case): the test server never moves a dead worker's
 * sticky workflow task back to the normal queue (a real cluster does after 5 s), so workers on it
 * run without sticky execution (StickyExecution) and a new workflow worker finishes the run.
 */
@Tag("crash")
class CrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static Process server;
  static String temporal;

  @BeforeAll
  static void devServer() throws Exception {
    int port = DevServerIT.freePort();
    temporal = "localhost:" + port;
    server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
    awaitListening(port, 60);
  }

  /** A loaded machine starts a JVM slowly: wait for the port, not a fixed time. */
  static void awaitListening(int port, int seconds) throws Exception {
    for (int i = 0; i < seconds * 10; i++) {
      try (java.net.Socket s = new java.net.Socket("localhost", port)) {
        Thread.sleep(500); // the gRPC server answers a moment after the port is bound
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the dev-server did not listen on " + port + " within " + seconds + " s");
  }

  @AfterAll
  static void stopServer() throws Exception {
    DevServerIT.stop(server);
  }

  static Process workflowWorker(Path log, String config) throws Exception {
    return DevServerIT.start(log, "worker", "--config", config, "--temporal", temporal, "--shared-only");
  }

  static Process worker(Path log, String config, String pause) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LabCa.repo().resolve("stepca-recovery").toString(),
        "worker", "--config", config, "--temporal", temporal, "--hosts-only"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (pause != null) {
      pb.environment().put("STEPCA_RECOVERY_TEST_PAUSE", pause);
    } else {
      pb.environment().remove("STEPCA_RECOVERY_TEST_PAUSE");
    }
    return pb.start();
  }

  /** No secret in what the workers logged: not the CA or provisioner password, not a PEM key. */
  static void assertNoSecretsLogged(LabCa lab, Path dir) throws Exception {
    String password = Files.readString(Path.of(lab.env("PROVISIONER_PASSWORD_FILE"))).strip();
    String caPassword = Files.readString(lab.dir().resolve("pass/ca.pass")).strip();
    for (String log : List.of("workflows.log", "worker1.log", "worker2.log")) {
      String text = Files.readString(dir.resolve(log));
      assertFalse(text.contains(password) || text.contains(caPassword), log + " holds a password");
      assertFalse(text.contains("PRIVATE KEY"), log + " holds key material");
    }
  }

  /** Waits until a process logged a line (on a loaded machine a JVM can take long to start). */
  static void awaitLogged(Path log, String text, int seconds) throws Exception {
    for (int i = 0; i < seconds * 10; i++) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(log + " did not log '" + text + "' within " + seconds + " s:\n"
        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  static void awaitFile(Path marker, int seconds) throws InterruptedException {
    for (int i = 0; i < seconds * 10 && !Files.exists(marker); i++) {
      Thread.sleep(100);
    }
    assertTrue(Files.exists(marker), "the run reached the held step (" + marker + ")");
  }

  /** SIGKILL: the JVM gets no chance to clean up, report or release anything. */
  static void kill9(Process p) throws Exception {
    p.destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    for (ProcessHandle child : p.descendants().toList()) {
      child.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "backup, worker killed at {0} ({1})")
  @CsvSource({
      "Snapshot, CA just stopped",
      "StartCa, before the CA start",
      "Archive, mid-archive",
      "Publish, mid-verification of the stored copy"})
  void backupSurvivesAWorkerKilledAt(String activity, String when) throws Exception {
    Path dir = tmp.resolve("backup-" + activity);
    try (LabCa lab = LabCa.up(dir)) {
      String config = lab.configFile().toString();
      Path marker = dir.resolve("held");
      Process workflows = workflowWorker(dir.resolve("workflows.log"), config);
      Process first = worker(dir.resolve("worker1.log"), config, activity + "@" + marker);
      Process second = null;
      try {
        Cli.Run started = Cli.run("backup", "--config", config, "--temporal", temporal, "--no-wait", "--reason", when);
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().strip();
        awaitFile(marker, 90);
        if (activity.equals("Snapshot") || activity.equals("StartCa")) {
          assertFalse(lab.caProcessRunning(), "the CA is stopped when the worker dies");
        }
        kill9(first);
        second = worker(dir.resolve("worker2.log"), config, null);

        Cli.Run watch = Cli.run("watch", id, "--temporal", temporal, "--json");
        assertEquals(0, watch.exitCode(), watch.stdout() + watch.stderr());
        JsonNode result = JSON.readTree(watch.stdout());
        assertTrue(lab.healthy(), "the CA runs again");
        List<StoredBackup> listed = new BackupStore(dir.resolve("backups"), "lab").list();
        assertEquals(1, listed.size(), "exactly the one finished backup counts: " + listed);
        assertEquals(result.get("backupId").asText(), listed.get(0).backupId());
        ArchiveReader.Verified v = ArchiveReader.verify(Path.of(listed.get(0).archive()));
        assertEquals(listed.get(0).sha256(), v.sha256());
        try (Stream<Path> files = Files.walk(dir.resolve("backups/lab"))) {
          assertTrue(files.noneMatch(p -> p.toString().endsWith(".partial")), "no half-written archive left");
        }
        assertNoSecretsLogged(lab, dir);
      } finally {
        kill9(first);
        DevServerIT.stop(workflows);
        if (second != null) {
          second.destroy();
          second.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void backupSurvivesTheWorkflowWorkerKilledWhileTheCaIsStopped() throws Exception {
    Path dir = tmp.resolve("backup-workflow-worker");
    try (LabCa lab = LabCa.up(dir)) {
      String config = lab.configFile().toString();
      Path marker = dir.resolve("held");
      Process workflows = workflowWorker(dir.resolve("workflows.log"), config);
      Process first = worker(dir.resolve("worker1.log"), config, "Snapshot@" + marker);
      Process workflows2 = null;
      Process second = null;
      try {
        awaitLogged(dir.resolve("workflows.log"), "worker polling", 120);
        awaitLogged(dir.resolve("worker1.log"), "worker polling", 120);
        Cli.Run started = Cli.run("backup", "--config", config, "--temporal", temporal, "--no-wait");
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().strip();
        awaitFile(marker, 90);
        assertFalse(lab.caProcessRunning(), "the CA is stopped when the workers die");
        // Both die: the one that ran the workflow's tasks (its sticky queue is the run's) and the
        // host worker holding the snapshot.
        kill9(workflows);
        kill9(first);
        assertTrue(Files.readString(dir.resolve("workflows.log")).contains("sticky execution off"),
            "the workflow worker saw a test server and asked for no sticky execution");
        workflows2 = workflowWorker(dir.resolve("workflows2.log"), config);
        awaitLogged(dir.resolve("workflows2.log"), "worker polling", 120);
        second = worker(dir.resolve("worker2.log"), config, null);
        awaitLogged(dir.resolve("worker2.log"), "worker polling", 120);

        Cli.Run watch = Cli.run("watch", id, "--temporal", temporal, "--json");
        assertEquals(0, watch.exitCode(), watch.stdout() + watch.stderr());
        JsonNode result = JSON.readTree(watch.stdout());
        assertTrue(lab.healthy(), "the CA runs again");
        List<StoredBackup> listed = new BackupStore(dir.resolve("backups"), "lab").list();
        assertEquals(1, listed.size(), "exactly the one finished backup counts: " + listed);
        assertEquals(result.get("backupId").asText(), listed.get(0).backupId());
        assertNoSecretsLogged(lab, dir);
      } finally {
        kill9(workflows);
        kill9(first);
        DevServerIT.stop(workflows2);
        DevServerIT.stop(second);
      }
    }
  }

  @ParameterizedTest(name = "recovery, worker killed at {0} ({1})")
  @CsvSource({
      "VerifyAndStage, mid-extract (verified and staged in one read)",
      "SwapIn, moving the live data aside",
      "StartCa, before the CA start",
      "CheckServiceStatus, mid-validation"})
  void recoverySurvivesAWorkerKilledAt(String activity, String when) throws Exception {
    Path dir = tmp.resolve("recover-" + activity);
    try (LabCa lab = LabCa.up(dir)) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config).exitCode());
      Path marker = dir.resolve("held");
      Files.writeString(lab.stepPath().resolve("config/live-only.txt"), "live data written after the backup");
      Process workflows = workflowWorker(dir.resolve("workflows.log"), config);
      Process first = worker(dir.resolve("worker1.log"), config, activity + "@" + marker);
      Process second = null;
      try {
        Cli.Run started = Cli.run("recover", "--config", config, "--temporal", temporal, "--no-wait", "--yes",
            "--even-if-healthy"); // the lab CA serves; the crash is what is tested
        assertEquals(0, started.exitCode(), started.stderr());
        String id = started.stdout().strip();
        awaitFile(marker, 90);
        kill9(first);
        second = worker(dir.resolve("worker2.log"), config, null);

        Cli.Run watch = Cli.run("watch", id, "--temporal", temporal, "--json");
        assertEquals(0, watch.exitCode(), watch.stdout() + watch.stderr());
        JsonNode result = JSON.readTree(watch.stdout());
        assertTrue(result.get("ok").asBoolean(), watch.stdout());
        assertTrue(lab.healthy(), "the CA runs");
        // Nothing lost: the backup's data is live, the previous live data lies moved aside, whole.
        assertFalse(Files.exists(lab.stepPath().resolve("config/live-only.txt")));
        List<Path> aside;
        try (Stream<Path> s = Files.list(dir)) {
          aside = s.filter(p -> p.getFileName().toString().startsWith("step.pre-restore-")).toList();
        }
        assertEquals(1, aside.size(), "the previous data moved aside exactly once: " + aside);
        assertEquals("live data written after the backup", Files.readString(aside.get(0).resolve("config/live-only.txt")));
        assertTrue(Files.exists(aside.get(0).resolve("config/ca.json")));
        try (Stream<Path> s = Files.list(dir)) {
          assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".restoring-")), "staging cleaned up");
        }
        assertNoSecretsLogged(lab, dir);
      } finally {
        kill9(first);
        DevServerIT.stop(workflows);
        if (second != null) {
          second.destroy();
          second.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
  }
}
