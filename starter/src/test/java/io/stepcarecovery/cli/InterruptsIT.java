package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator who interrupts, mistypes or waits, on the real lab, with the CLI in a process of
 * its own (signals go to it as from a terminal): SIGINT/SIGTERM while the CA is stopped for a
 * backup, a CA that cannot start again, a backup that does not exist, no worker on the service.
 */
@Tag("crash")
class InterruptsIT {
  @TempDir Path tmp;

  /** The CLI as a process: its output in files, so a test can read it while it runs. */
  record Spawned(Process process, Path out, Path err) {
    String stdout() throws Exception {
      return Files.readString(out);
    }

    String stderr() throws Exception {
      return Files.readString(err);
    }

    void signal(String name) throws Exception {
      assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor());
    }

    int exit(int seconds) throws Exception {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the CLI did not exit within " + seconds + " s; stdout:\n" + stdout()
            + "\nstderr:\n" + stderr());
      }
      return process.exitValue();
    }
  }

  static Spawned spawn(Path dir, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(LabCa.repo().resolve("stepca-recovery").toString()));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(LabCa.repo().toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("STEPCA_RECOVERY_TEST_PAUSE");
    pb.environment().putAll(env);
    return new Spawned(pb.start(), out, err);
  }

  static List<Path> besideStepPath(LabCa lab, String infix) throws Exception {
    try (Stream<Path> s = Files.list(lab.stepPath().getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(lab.stepPath().getFileName() + infix)).toList();
    }
  }

  @ParameterizedTest(name = "SIG{0} while the CA is stopped for a backup → exit {1}")
  @CsvSource({"INT, 130", "TERM, 143"})
  void aSignalInTheStopWindowStartsTheCaAgainReleasesItAndSaysWhatIsLeft(String signal, int code) throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      Path marker = tmp.resolve("held");
      // embedded mode: the run's worker is this CLI process; it holds the snapshot with the CA stopped
      Spawned backup = spawn(tmp, Map.of("STEPCA_RECOVERY_TEST_PAUSE", "Snapshot@" + marker),
          "backup", "--config", config, "--reason", "interrupted");
      CrashIT.awaitFile(marker, 120);
      assertFalse(lab.caProcessRunning(), "the CA is stopped for the snapshot when the signal comes");

      long sent = System.nanoTime();
      backup.signal(signal);
      assertEquals(code, backup.exit(120), backup.stderr());
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sent);
      assertTrue(seconds <= InterruptedRun.CLEAN_UP_MILLIS / 1000 + 15, "bounded: exited " + seconds + " s after the signal");

      String err = backup.stderr();
      assertTrue(err.contains("Interrupted: cancelling the run backup-lab-"), err);
      assertTrue(err.contains("Interrupted: the run was cancelled and its clean-up has finished. What is left:"), err);
      assertTrue(err.contains("CA lab: running (running: running "), err);
      assertTrue(err.contains("live data     " + lab.stepPath()), err);
      assertFalse(err.contains("IS DOWN"), err);
      assertTrue(lab.healthy(), "the CA serves again");
      assertTrue(besideStepPath(lab, ".restoring-").isEmpty() && besideStepPath(lab, ".pre-restore-").isEmpty());

      // released: the next run is not refused as busy, and goes through
      Cli.Run next = Cli.run("backup", "--config", config, "--reason", "after the interrupt");
      assertEquals(0, next.exitCode(), next.stdout() + next.stderr());
      assertTrue(next.stdout().contains("stored and verified"), next.stdout());
      assertTrue(lab.healthy());
    }
  }

  @Test
  void aCaThatCannotStartAfterItsBackupIsReportedDownWithTheCommandThatFixesIt() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      Cli.Run good = Cli.run("backup", "--config", config, "--reason", "good");
      assertEquals(0, good.exitCode(), good.stderr());

      // The database breaks under the running CA (its MANIFEST replaced): it serves on, from
      // memory, until the backup stops it; then badger cannot open it.
      Path manifest = lab.stepPath().resolve("db/MANIFEST");
      Path garbage = manifest.resolveSibling("MANIFEST.garbage");
      Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
      Files.move(garbage, manifest, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      assertTrue(lab.healthy());

      long t0 = System.nanoTime();
      Cli.Run backup = Cli.run("backup", "--config", config, "--reason", "on a corrupt db");
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      assertEquals(1, backup.exitCode(), backup.stdout() + backup.stderr());
      assertTrue(seconds < 240, "bounded: " + seconds + " s");
      // the error is the last line on stderr (the worker's log lines come before it)
      String err = backup.stderr().strip().lines().reduce((a, b) -> b).orElse("");
      assertTrue(err.startsWith("CA lab IS DOWN: it did not start again after 3 start round(s)"), err);
      assertTrue(err.contains("Corrupt database: badger cannot open the CA's database files"), err);
      String recover = "stepca-recovery recover --ca lab --config " + config;
      assertTrue(err.endsWith(recover), err);
      assertFalse(err.contains("ott="), "no token from the CA's log in the failure: " + err);
      assertFalse(lab.caProcessRunning(), "it is down, as reported");

      // The printed command, as printed (plus --yes: no terminal here), brings it back.
      Cli.Run recovered = Cli.run("recover", "--ca", "lab", "--config", config, "--yes");
      assertEquals(0, recovered.exitCode(), recovered.stdout() + recovered.stderr());
      assertTrue(lab.healthy(), "the CA serves from the good backup");
    }
  }

  @Test
  void anUnknownOrEmptyBackupIsAUsageErrorBeforeAnyRunStarts() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      long t0 = System.nanoTime();
      Cli.Run nope = Cli.run("restore", "--config", config, "--backup", "nope", "--yes");
      assertEquals(2, nope.exitCode(), nope.stdout() + nope.stderr());
      assertTrue(nope.stderr().contains("no verified backup of CA 'lab'") || nope.stderr().contains("no backup 'nope'"),
          nope.stderr());
      assertEquals("", nope.stdout(), "no run was started or followed");

      assertEquals(0, Cli.run("backup", "--config", config).exitCode());
      nope = Cli.run("restore", "--config", config, "--backup", "nope", "--yes");
      assertEquals(2, nope.exitCode(), nope.stdout() + nope.stderr());
      assertTrue(nope.stderr().contains("no backup 'nope' of CA 'lab'")
          && nope.stderr().contains("stepca-recovery backups --ca lab"), nope.stderr());
      assertEquals("", nope.stdout());

      Cli.Run empty = Cli.run("recover", "--config", config, "--backup", "", "--yes");
      assertEquals(2, empty.exitCode(), empty.stdout() + empty.stderr());
      assertTrue(empty.stderr().contains("--backup is empty"), empty.stderr());
      assertEquals("", empty.stdout());
      assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 120);
      assertTrue(lab.healthy(), "nothing was touched");
    }
  }

  @Test
  void withoutAWorkerTheCliSaysSoWithin10sGivesUpAtTheDeadlineAndCtrlCDetaches() throws Exception {
    int port = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      CrashIT.awaitListening(port, 60);
      Path config = tmp.resolve("config.yaml");
      Files.writeString(config, Files.readString(lab.configFile()) + "temporal:\n  workerDeadlineSeconds: 20\n");

      Spawned backup = spawn(tmp.resolve("a"), Map.of(), "backup", "--config", config.toString(), "--temporal", temporal);
      String worker = "stepca-recovery worker --config " + config + " --temporal " + temporal;
      String said = null;
      for (int i = 0; i < 300 && said == null; i++) {
        Thread.sleep(100);
        if (backup.stdout().contains("(workflow backup-lab-")) {
          long since = System.nanoTime();
          while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) < 10_000 && said == null) {
            if (backup.stderr().contains("no worker has taken this run")) {
              said = backup.stderr();
            }
            Thread.sleep(100);
          }
          assertTrue(said != null, "said within 10 s of the start: " + backup.stderr());
        }
      }
      assertTrue(said != null && said.contains(worker), "names the worker command: " + said);
      assertEquals(1, backup.exit(60), backup.stderr());
      assertTrue(backup.stderr().contains("within 20 s; the run backup-lab-") && backup.stderr().contains(worker),
          backup.stderr());
      assertTrue(lab.caProcessRunning() && lab.healthy(), "nothing was stopped");

      // Remote: Ctrl-C detaches, naming the watch command with the same options.
      Spawned second = spawn(tmp.resolve("b"), Map.of(), "backup", "--config", config.toString(), "--temporal", temporal);
      for (int i = 0; i < 300 && !second.stdout().contains("(workflow backup-lab-"); i++) {
        Thread.sleep(100);
      }
      second.signal("INT");
      assertEquals(130, second.exit(30), second.stderr());
      assertTrue(second.stderr().matches("(?s).*Detached: the run backup-lab-\\S+ goes on at " + temporal
          + "\\. Follow it again with: stepca-recovery watch backup-lab-\\S+ --config " + config + " --temporal "
          + temporal + ".*"), second.stderr());
    } finally {
      DevServerIT.stop(server);
    }
  }

  @Test
  void withoutAWorkerOnTheCaHostTheRunGivesUpBeforeTouchingItNamingTheWorkerToStartThere() throws Exception {
    int port = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
    Process workflows = null;
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      CrashIT.awaitListening(port, 60);
      Path config = tmp.resolve("config.yaml");
      Files.writeString(config, Files.readString(lab.configFile()) + "temporal:\n  workerDeadlineSeconds: 20\n");
      // workflows run, but nobody polls stepca-recovery@localhost
      workflows = DevServerIT.start(tmp.resolve("workflows.log"), "worker", "--config", config.toString(),
          "--temporal", temporal, "--shared-only");
      CrashIT.awaitLogged(tmp.resolve("workflows.log"), "worker polling", 120);

      long t0 = System.nanoTime();
      Cli.Run backup = Cli.run("backup", "--config", config.toString(), "--temporal", temporal);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      assertEquals(1, backup.exitCode(), backup.stdout() + backup.stderr());
      assertTrue(seconds < 90, "bounded by the deadline: " + seconds + " s");
      assertTrue(backup.stdout().contains("waiting for a worker on stepca-recovery@localhost"), backup.stdout());
      assertTrue(backup.stderr().contains("no worker polled stepca-recovery@localhost within 20 s. Nothing was"
          + " stopped or changed. On localhost, start: stepca-recovery worker --config " + config + " --temporal "
          + temporal + " --host localhost"), backup.stderr());
      assertTrue(lab.caProcessRunning() && lab.healthy(), "the CA was never stopped");
    } finally {
      DevServerIT.stop(workflows);
      DevServerIT.stop(server);
    }
  }
}
