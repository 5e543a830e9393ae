package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-host disaster, end to end, on a real systemd host (lab/up --systemd: step-ca and the
 * worker are systemd units in a container, the CLI here drives them through a dev-server). The CA
 * host is lost with its local store; its backups were copied elsewhere. A fresh host with the same
 * layout and no CA data recovers from the copy through `recover --yes`; the checklist passes, and a
 * certificate issued before the disaster still verifies against the root clients kept.
 */
@Tag("lab")
class NewHostRecoveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aFreshSystemdHostRecoversFromTheCopiedStoreAndOldCertificatesStillVerify() throws Exception {
    Path oldDir = tmp.resolve("old-host");
    Path newDir = tmp.resolve("new-host");
    Path clients = Files.createDirectories(tmp.resolve("clients"));
    Path offsite = tmp.resolve("offsite/backups");
    Path oldStore = oldDir.resolve("backups");
    String backupId;
    String caPassword;

    try (SystemdHost old = SystemdHost.up(oldDir)) {
      assertEquals("active", old.unitState("step-ca"), "systemd runs the CA on the old host");
      assertEquals("active", old.unitState("stepca-recovery-worker"), "systemd runs the worker on the old host");
      caPassword = Files.readString(Path.of(old.env("PASSWORD_FILE"))).strip();
      // What clients keep, off the CA host: the root, and a certificate issued before the disaster.
      Files.copy(Path.of(old.env("ROOT_CERT")), clients.resolve("root_ca.crt"));
      issue(old, "before.internal", clients);

      Cli.Run backup = Cli.run("backup", "--config", old.config(), "--reason", "before the disaster", "--json");
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      backupId = JSON.readTree(backup.stdout()).get("backupId").asText();
      // The backup stopped and started the CA through systemd (the runbook's systemctl path).
      String journal = old.exec("journalctl", "-u", "step-ca", "--no-pager", "-o", "cat");
      assertTrue(journal.contains("Stopped step-ca.service"), "systemctl stop step-ca ran:\n" + journal);
      assertEquals("active", old.unitState("step-ca"), "the CA runs again after the backup");

      copyTree(oldStore, offsite);
    }
    // The host is gone: its container (and the CA data in it) and its local store.
    assertFalse(SystemdHost.containerExists(LabCa.readEnv(oldDir.resolve("lab.env")).get("CONTAINER")),
        "the old host is removed");
    deleteTree(oldStore);

    // The copy is mounted at its own path, not where the old host had its store: records name
    // archives relative to the store, so a store copied anywhere restores.
    String storeMount = offsite.toString();
    try (SystemdHost fresh = SystemdHost.upEmpty(newDir, oldDir, storeMount)) {
      assertEquals("absent", fresh.exec("sh", "-c", "test -e /etc/step-ca && echo present || echo absent"),
          "the new host has no CA data before the recovery");
      assertFalse(fresh.unitState("step-ca").equals("active"), "no CA runs on the new host before the recovery");

      Cli.Run recover = Cli.run("recover", "--config", fresh.config(), "--yes", "--json");
      JsonNode result = JSON.readTree(recover.stdout());
      assertEquals(0, recover.exitCode(), recover.stdout() + recover.stderr()
          + "\nworker journal:\n" + fresh.exec("journalctl", "-u", "stepca-recovery-worker", "--no-pager", "-o", "cat", "-n", "80"));
      assertTrue(result.get("ok").asBoolean(), recover.stdout());
      assertEquals(backupId, result.get("backupId").asText(), "recovered from the backup taken on the old host");
      List<String> checks = new ArrayList<>();
      for (JsonNode item : result.get("checklist")) {
        assertEquals("passed", item.get("status").asText(), item.toString());
        checks.add(item.get("item").asText());
      }
      assertTrue(checks.size() >= 6, "the runbook's checklist ran: " + checks);
      // The startup-error check read the unit's journal (journalctl -u step-ca), not an empty log.
      String logCheck = "";
      for (JsonNode item : result.get("checklist")) {
        if (item.get("item").asText().equals("No startup errors")) {
          logCheck = item.get("detail").asText();
        }
      }
      assertTrue(logCheck.matches("no errors in [1-9][0-9]* log line\\(s\\) since the last start"), "journal lines were read: " + logCheck);

      // systemd runs the recovered CA: the unit is active and its main process is step-ca ...
      assertEquals("active", fresh.unitState("step-ca"));
      String mainPid = fresh.exec("systemctl", "show", "-p", "MainPID", "--value", "step-ca");
      assertTrue(mainPid.matches("[1-9][0-9]*"), "step-ca.service has a main process: " + mainPid);
      assertTrue(fresh.exec("cat", "/proc/" + mainPid + "/cmdline").contains("stepca-lab"),
          "the unit's main process is the CA");
      assertTrue(fresh.exec("journalctl", "-u", "step-ca", "--no-pager", "-o", "cat").contains("Started step-ca.service"));
      // as the unit's user, on files the restore gave back to it (the config's owner step:step)
      assertEquals("step", fresh.exec("ps", "-o", "user=", "-p", mainPid));
      assertEquals("step:step\nstep:step\nstep:step\nstep:step", fresh.exec("stat", "-c", "%U:%G", "/etc/step-ca",
          "/etc/step-ca/config/ca.json", "/etc/step-ca/secrets/intermediate_ca_key", "/etc/step-ca/db"));

      // Clients are unaffected: the old certificate verifies against the root they kept, and the
      // recovered CA issues under the same intermediate.
      List<X509Certificate> before = chain(clients.resolve("before.internal.crt"));
      X509Certificate root = chain(clients.resolve("root_ca.crt")).get(0);
      verify(before, root);
      Path after = Files.createDirectories(tmp.resolve("after"));
      issue(fresh, "after.internal", after);
      List<X509Certificate> afterChain = chain(after.resolve("after.internal.crt"));
      verify(afterChain, root);
      assertEquals(before.get(1), afterChain.get(1), "the recovered CA signs with the intermediate from before the disaster");

      String workerLog = fresh.exec("journalctl", "-u", "stepca-recovery-worker", "--no-pager", "-o", "cat");
      assertFalse(workerLog.contains(caPassword), "the worker logged the CA password");
      assertFalse(workerLog.contains("PRIVATE KEY"), "the worker logged key material");
    }
  }

  private static void issue(SystemdHost host, String name, Path out) {
    LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
        "--ca-url", host.env("CA_URL"), "--root", host.env("ROOT_CERT"), "--provisioner", "admin",
        "--password-file", host.env("PROVISIONER_PASSWORD_FILE"), "--san", name, name,
        out.resolve(name + ".crt").toString(), out.resolve(name + ".key").toString()), 60);
  }

  private static List<X509Certificate> chain(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      return certs;
    }
  }

  /** PKIX path validation of leaf + intermediate up to the root (throws if it does not chain). */
  private static void verify(List<X509Certificate> chain, X509Certificate root) throws Exception {
    assertEquals(2, chain.size(), "leaf and intermediate");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
