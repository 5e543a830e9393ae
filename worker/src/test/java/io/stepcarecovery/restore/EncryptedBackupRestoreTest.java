package io.stepcarecovery.restore;

import static io.stepcarecovery.restore.RestoreWorkflowTest.environment;
import static io.stepcarecovery.restore.RestoreWorkflowTest.stub;
import static io.stepcarecovery.restore.RestoreWorkflowTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.Failures;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lab.Gpg;
import io.stepcarecovery.lab.LabCa;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * backups.encryptTo on the real lab: the CA host holds only the public key and stores nothing in
 * clear; Debian's gpg opens the backup by hand; a host without the private key refuses to restore
 * with nothing changed; the host configured with it restores. Temporal is its test server.
 */
@Tag("lab")
class EncryptedBackupRestoreTest {
  private static final String PASSPHRASE = "backup key passphrase 7f3a";
  @TempDir Path tmp;

  static StepcaRecoveryConfig withBackups(StepcaRecoveryConfig c, Path encryptTo, Path decryptKey, Path passphrase) {
    CaConfig ca = c.ca("lab");
    BackupsConfig b = ca.backups();
    CaConfig changed = new CaConfig(ca.name(), ca.host(), ca.caConfig(), ca.url(), ca.rootCert(), ca.service(),
        ca.owner(), ca.acme(), ca.issuance(), new BackupsConfig(b.store(), b.keep(), encryptTo, decryptKey, passphrase));
    return new StepcaRecoveryConfig(c.source(), c.temporal(), List.of(changed), c.ingress(), c.services(), c.lockDir());
  }

  static java.util.Map<String, String> modes(Path dir) throws Exception {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        if (!Files.isSymbolicLink(p)) {
          m.put(dir.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
      }
    }
    return m;
  }

  @Test
  void encryptedOnTheCaHostOpenedByGpgAndRestoredOnlyWhereThePrivateKeyIs() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); Gpg gpg = Gpg.in(tmp.resolve("gnupg"))) {
      String fpr = gpg.newKey("CA backups <backups@lab.test>", "ed25519", "cv25519", PASSPHRASE);
      Path keys = Files.createDirectories(tmp.resolve("keys"));
      Path pub = gpg.exportPublic(fpr, keys.resolve("backups.pub.asc"));
      Path sec = gpg.exportSecret(fpr, PASSPHRASE, keys.resolve("backups.sec.asc"));
      Path pass = Files.writeString(keys.resolve("backups.pass"), PASSPHRASE + "\n");

      java.util.Map<String, String> modesBefore = modes(lab.stepPath());
      assertEquals("rw-------", modesBefore.get("secrets/intermediate_ca_key"));
      List<String> histories = new java.util.ArrayList<>();
      // The CA host: public key only.
      StepcaRecoveryConfig caHost = withBackups(lab.config(), pub, null, null);
      BackupResult b;
      TestWorkflowEnvironment backupEnv = environment(caHost);
      try {
        b = stub(backupEnv, BackupWorkflow.class, "enc-backup").backup(new BackupRequest("lab", "encrypted"));
        histories.add(io.stepcarecovery.Histories.readable(backupEnv.getWorkflowClient(), "enc-backup"));
      } finally {
        backupEnv.close();
      }
      Path archive = Path.of(b.archive());
      Path store = archive.getParent();
      assertTrue(archive.getFileName().toString().endsWith(".tar.gz.gpg"), archive.toString());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
      JsonNode record = new ObjectMapper().readTree(store.resolve(b.backupId() + ".json").toFile());
      assertEquals(fpr, record.get("encryptedTo").asText());
      try (Stream<Path> all = Files.walk(store)) {
        for (Path p : all.filter(Files::isRegularFile).toList()) {
          byte[] head = Files.readAllBytes(p);
          assertFalse(head.length > 2 && head[0] == 0x1f && head[1] == (byte) 0x8b,
              p + " is a gzip in clear in the store");
        }
      }

      // By hand, as the runbook's operator would: gpg --decrypt, then tar.
      Path opened = tmp.resolve("opened.tar.gz");
      gpg.decrypt(archive, opened, PASSPHRASE);
      String listing = LabCa.run(List.of("tar", "-tvzf", opened.toString()), 60);
      String step = lab.stepPath().toString().substring(1);
      assertTrue(listing.contains(step + "/config/ca.json"), listing);
      assertTrue(listing.lines().anyMatch(l -> l.startsWith("-rw-------") && l.endsWith(step + "/secrets/intermediate_ca_key")),
          listing);

      // Another host without the private key: refused before anything changes.
      var before = tree(lab.dir());
      TestWorkflowEnvironment noKey = environment(caHost);
      try {
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () ->
            stub(noKey, RestoreWorkflow.class, "enc-restore-nokey").restore(new RestoreRequest("lab", b.backupId())));
        String m = Failures.rootMessage(e);
        assertTrue(m.contains("is encrypted") && m.contains("backups.decryptKey"), m);
        histories.add(io.stepcarecovery.Histories.readable(noKey.getWorkflowClient(), "enc-restore-nokey"));
      } finally {
        noKey.close();
      }
      assertEquals(before, tree(lab.dir()), "nothing on disk changed");

      // The restoring host: private key and its passphrase file.
      TestWorkflowEnvironment env = environment(withBackups(lab.config(), pub, sec, pass));
      try {
        RestoreResult r = stub(env, RestoreWorkflow.class, "enc-restore").restore(new RestoreRequest("lab", b.backupId()));
        assertTrue(r.ok(), r.message() + " " + r.checklist());
        assertEquals(List.of(), r.checklist().stream().filter(ChecklistItem::isFailed).toList());
        assertTrue(lab.healthy());
        // Restored secrets keep their modes; so does everything else that was backed up.
        java.util.Map<String, String> modesAfter = modes(lab.stepPath());
        modesBefore.forEach((path, mode) -> {
          if (modesAfter.containsKey(path)) {
            assertEquals(mode, modesAfter.get(path), path);
          }
        });
        assertEquals("rw-------", modesAfter.get("secrets/intermediate_ca_key"));
        assertEquals("rw-------", modesAfter.get("secrets/root_ca_key"));
        histories.add(io.stepcarecovery.Histories.readable(env.getWorkflowClient(), "enc-restore"));
      } finally {
        env.close();
      }
      // Names, paths and fingerprints only: no passphrase, no key, in any of the three histories.
      String secretKeyText = Files.readString(sec);
      for (String history : histories) {
        assertFalse(history.contains(PASSPHRASE), "passphrase in a history");
        assertFalse(history.contains("PRIVATE KEY"), "private key in a history");
        assertFalse(history.contains(secretKeyText.substring(120, 180)), "key material in a history");
      }
      assertEquals(3, histories.size());
    }
  }
}
