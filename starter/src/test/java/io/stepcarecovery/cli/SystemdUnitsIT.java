package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/systemd/ installed on the lab's systemd host (lab/up --systemd) as the README says:
 * the jar at /opt/stepca-recovery, the config at /etc/stepca-recovery/config.yaml, the units in
 * /etc/systemd/system. Each unit passes systemd-analyze verify; the worker runs from its unit;
 * and the backup timer, given a short interval by a drop-in, fires real backups: through the
 * worker's Temporal, then in embedded mode (a config without a Temporal address) — each a new
 * backup in the store, with the CA running afterwards; the drill timer then drills that backup.
 */
@Tag("lab")
class SystemdUnitsIT {
  private static final List<String> UNITS = List.of("stepca-recovery-worker.service", "stepca-recovery-backup.service",
      "stepca-recovery-backup.timer", "stepca-recovery-drill.service", "stepca-recovery-drill.timer");

  @Test
  void theUnitsVerifyAndTheTimersFireBackupsThroughTheWorkerAndEmbeddedAndADrill() throws Exception {
    // Not under /tmp: PrivateTmp= gives the units their own /tmp, where the lab's bind mounts
    // (config, passwords, store) of a @TempDir would be hidden from them.
    Path target = Files.createDirectories(LabCa.repo().resolve("starter/target"));
    Path work = Files.createTempDirectory(target, "systemd-units-");
    try (SystemdHost host = SystemdHost.up(work.resolve("host"))) {
      install(host, work);

      for (String unit : UNITS) {
        String out = host.exec("sh", "-c", "systemd-analyze verify /etc/systemd/system/" + unit + " 2>&1; echo rc=$?");
        assertTrue(out.endsWith("rc=0"), unit + ": " + out);
        assertFalse(out.lines().anyMatch(l -> l.contains("stepca-recovery")), "no warning about our units: " + out);
      }

      // the worker from deploy/systemd (the lab's own unit replaced), polling the lab's dev-server
      host.exec("systemctl", "restart", "stepca-recovery-worker");
      awaitTrue(() -> host.exec("journalctl", "-u", "stepca-recovery-worker", "--no-pager", "-o", "cat")
          .lines().filter(l -> l.contains("worker polling")).count() >= 2, 180, "our worker unit polls");
      assertTrue(host.exec("systemctl", "show", "stepca-recovery-worker", "-p", "ExecStart")
          .contains("/opt/stepca-recovery/stepca-recovery.jar worker --config ${STEPCA_RECOVERY_CONFIG}"));

      Path records = Path.of(host.env("STORE_HOST")).resolve("lab");
      // a few seconds after the timer starts instead of 03:00, without the random delay
      dropIn(host, work, "stepca-recovery-backup.timer", "[Timer]\nOnCalendar=\nRandomizedDelaySec=0\nOnActiveSec=3s\n");
      Set<String> before = backups(records);
      host.exec("systemctl", "start", "stepca-recovery-backup.timer");
      String viaWorker = awaitNewBackup(host, records, before);
      String journal = journal(host);
      assertTrue(journal.contains("Backing up CA lab (workflow backup-lab-") && journal.contains("Temporal " + host.env("TEMPORAL") + ")"),
          "through the worker's Temporal:\n" + journal);
      assertTrue(journal.contains("Backup " + viaWorker + " stored and verified"), journal);
      assertCaRuns(host);

      // no Temporal anywhere: the same unit runs the backup in-process (embedded mode)
      Path embedded = work.resolve("embedded.yaml");
      Files.writeString(embedded, Files.readString(Path.of(host.config())).lines()
          .filter(l -> !l.startsWith("temporal:")).collect(Collectors.joining("\n", "", "\n")));
      LabCa.run(List.of("podman", "cp", embedded.toString(), host.container() + ":/etc/stepca-recovery/embedded.yaml"), 60);
      dropIn(host, work, "stepca-recovery-backup.service",
          "[Service]\nEnvironment=STEPCA_RECOVERY_CONFIG=/etc/stepca-recovery/embedded.yaml\n");
      before = backups(records);
      host.exec("systemctl", "restart", "stepca-recovery-backup.timer");
      String inProcess = awaitNewBackup(host, records, before);
      journal = journal(host);
      assertTrue(journal.contains("Temporal embedded)"), "in-process:\n" + journal);
      assertTrue(journal.contains("Backup " + inProcess + " stored and verified"), journal);
      assertEquals(2, journal.lines().filter(l -> l.startsWith("Finished stepca-recovery-backup.service")).count(),
          "the timer started the unit twice (nothing else started it):\n" + journal);
      assertCaRuns(host);
      assertEquals("NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=full", host.exec("systemctl", "show",
          "stepca-recovery-backup.service", "-p", "NoNewPrivileges", "-p", "PrivateTmp", "-p", "ProtectSystem")
          .lines().sorted().collect(Collectors.joining("\n")), "the hardening the backups ran with");

      // the drill timer, embedded too: a sandbox step-ca from the host's binary proves the latest
      // backup restores; the production CA keeps running
      Files.writeString(embedded, Files.readString(embedded).replace("    backups: {", "    drill: { command: \""
          + "/usr/local/bin/stepca-lab start\", passwordFile: " + host.env("PASSWORD_FILE") + " }\n    backups: {"));
      LabCa.run(List.of("podman", "cp", embedded.toString(), host.container() + ":/etc/stepca-recovery/embedded.yaml"), 60);
      dropIn(host, work, "stepca-recovery-drill.service",
          "[Service]\nEnvironment=STEPCA_RECOVERY_CONFIG=/etc/stepca-recovery/embedded.yaml\n");
      dropIn(host, work, "stepca-recovery-drill.timer", "[Timer]\nOnCalendar=\nRandomizedDelaySec=0\nOnActiveSec=3s\n");
      String caPid = host.exec("systemctl", "show", "step-ca", "-p", "MainPID");
      host.exec("systemctl", "start", "stepca-recovery-drill.timer");
      awaitTrue(() -> host.exec("journalctl", "-u", "stepca-recovery-drill", "--no-pager", "-o", "cat")
          .contains("Finished stepca-recovery-drill.service") || host.exec("systemctl", "show", "stepca-recovery-drill.service",
          "-p", "Result").equals("Result=exit-code"), 420, "the drill unit ends");
      String drill = host.exec("journalctl", "-u", "stepca-recovery-drill", "--no-pager", "-o", "cat");
      assertTrue(drill.contains("Drill passed: ") && drill.contains("backup     " + inProcess), drill);
      assertEquals("ExecMainStatus=0\nResult=success", host.exec("systemctl", "show", "stepca-recovery-drill.service",
          "-p", "Result", "-p", "ExecMainStatus").lines().sorted().collect(Collectors.joining("\n")), drill);
      assertEquals(caPid, host.exec("systemctl", "show", "step-ca", "-p", "MainPID"), "production CA untouched by the drill");
      assertCaRuns(host);
    } finally {
      deleteTree(work);
    }
  }

  /** As the README's install: jar (already at /opt/stepca-recovery), config, units, daemon-reload. */
  private static void install(SystemdHost host, Path work) {
    Path units = LabCa.repo().resolve("deploy/systemd");
    host.exec("mkdir", "-p", "/etc/stepca-recovery");
    LabCa.run(List.of("podman", "cp", host.config(), host.container() + ":/etc/stepca-recovery/config.yaml"), 60);
    for (String unit : UNITS) {
      LabCa.run(List.of("podman", "cp", units.resolve(unit).toString(), host.container() + ":/etc/systemd/system/" + unit), 60);
    }
    host.exec("systemctl", "daemon-reload");
  }

  private static void dropIn(SystemdHost host, Path work, String unit, String text) throws Exception {
    Path file = work.resolve(unit + ".conf");
    Files.writeString(file, text);
    host.exec("mkdir", "-p", "/etc/systemd/system/" + unit + ".d");
    LabCa.run(List.of("podman", "cp", file.toString(), host.container() + ":/etc/systemd/system/" + unit + ".d/test.conf"), 60);
    host.exec("systemctl", "daemon-reload");
  }

  /** The backup ids recorded in the store (a record is written last, after the archive verified). */
  private static Set<String> backups(Path records) throws Exception {
    if (!Files.isDirectory(records)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(records)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length())).collect(Collectors.toSet());
    }
  }

  /** The one new backup, once the unit that made it has finished successfully. */
  private static String awaitNewBackup(SystemdHost host, Path records, Set<String> before) throws Exception {
    awaitTrue(() -> backups(records).size() > before.size(), 420, "a new backup in " + records
        + "; unit journal:\n" + journal(host));
    awaitTrue(() -> host.exec("systemctl", "show", "stepca-recovery-backup.service", "-p", "ActiveState")
        .equals("ActiveState=inactive"), 120, "the one-shot ends");
    assertEquals("ExecMainStatus=0\nResult=success", host.exec("systemctl", "show", "stepca-recovery-backup.service",
        "-p", "Result", "-p", "ExecMainStatus").lines().sorted().collect(Collectors.joining("\n")), journal(host));
    Set<String> added = new java.util.HashSet<>(backups(records));
    added.removeAll(before);
    assertEquals(1, added.size(), added.toString());
    return added.iterator().next();
  }

  private static String journal(SystemdHost host) {
    return host.exec("journalctl", "-u", "stepca-recovery-backup", "--no-pager", "-o", "cat");
  }

  private static void assertCaRuns(SystemdHost host) throws Exception {
    assertEquals("active", host.unitState("step-ca"), "the CA runs after the backup");
    awaitTrue(() -> {
      try {
        return LabCa.run(List.of("curl", "-s", "--max-time", "5", "--cacert", host.env("ROOT_CERT"),
            host.env("CA_URL") + "/health"), 30).strip().equals("{\"status\":\"ok\"}");
      } catch (IllegalStateException notYet) {
        return false;
      }
    }, 60, "the CA answers /health");
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, int seconds, String what) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (!check.ok()) {
      assertTrue(System.currentTimeMillis() < deadline, "not within " + seconds + " s: " + what);
      Thread.sleep(1000);
    }
  }

  private static void deleteTree(Path root) throws Exception {
    if (Files.exists(root)) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
