package io.stepcarecovery.restore;

import static io.stepcarecovery.restore.RestoreWorkflowTest.environment;
import static io.stepcarecovery.restore.RestoreWorkflowTest.stub;
import static io.stepcarecovery.restore.RestoreWorkflowTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * backups.signWith / backups.verifyWith on the real lab, through the workflows: a signed backup
 * that gpg verifies by hand and that the restoring host restores; and what an attacker who can
 * write to the store makes of it (an archive re-made and recorded under their own key, or none,
 * a genuine archive altered and re-recorded, a genuine old one replayed as the newest), each
 * refused with nothing changed on disk. Temporal is its test server.
 */
@Tag("lab")
class SignedBackupRestoreTest {
  private static final String PASSPHRASE = "signing key passphrase 51d2";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  static StepcaRecoveryConfig withSigning(StepcaRecoveryConfig c, Path signWith, Path signPass, Path verifyWith) {
    CaConfig ca = c.ca("lab");
    BackupsConfig b = ca.backups();
    CaConfig changed = new CaConfig(ca.name(), ca.host(), ca.caConfig(), ca.url(), ca.rootCert(), ca.service(),
        ca.owner(), ca.acme(), ca.issuance(), new BackupsConfig(b.store(), b.keep(), b.encryptTo(), b.decryptKey(),
            b.decryptPassphraseFile(), signWith, signPass, verifyWith));
    return new StepcaRecoveryConfig(c.source(), c.temporal(), List.of(changed), c.ingress(), c.services());
  }

  /** Every file of the store with its content hash: what a refused restore must leave as it was. */
  static TreeMap<String, String> files(Path dir) throws Exception {
    TreeMap<String, String> t = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        t.put(dir.relativize(p).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return t;
  }

  /**
   * A history as text with every payload decoded: payloads are base64 in the history's JSON, so a
   * search of the raw JSON would find no secret even if one were there.
   */
  static String readable(TestWorkflowEnvironment env, String workflowId) throws Exception {
    return io.stepcarecovery.Histories.readable(env.getWorkflowClient(), workflowId);
  }

  private static BackupResult backup(StepcaRecoveryConfig config, String id, List<String> histories)
      throws Exception {
    TestWorkflowEnvironment env = environment(config);
    try {
      BackupResult b = stub(env, BackupWorkflow.class, id).backup(new BackupRequest("lab", id));
      histories.add(readable(env, id));
      return b;
    } finally {
      env.close();
    }
  }

  /** Copies a backup's archive (and signature, if any) under a new id, with a record edited by {@code edit}. */
  private static void rerecord(Path store, BackupResult from, String id, java.util.function.Consumer<ObjectNode> edit)
      throws Exception {
    Path archive = Path.of(from.archive());
    Path copy = store.resolve(id + ".tar.gz");
    Files.copy(archive, copy);
    Path sig = archive.resolveSibling(archive.getFileName() + ".sig");
    if (Files.exists(sig)) {
      Files.copy(sig, store.resolve(id + ".tar.gz.sig"));
    }
    ObjectNode record = (ObjectNode) JSON.readTree(store.resolve(from.backupId() + ".json").toFile());
    record.put("backupId", id);
    record.put("archive", copy.toString());
    edit.accept(record);
    Files.write(store.resolve(id + ".json"), JSON.writeValueAsBytes(record));
  }

  @Test
  void aSignedBackupRestoresAndForgeriesAreRefusedWithNothingChanged() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); Gpg gpg = Gpg.in(tmp.resolve("gnupg"))) {
      String ours = gpg.newKey("CA backups <backups@lab.test>", "ed25519", null, PASSPHRASE);
      String theirs = gpg.newKey("Attacker <attacker@evil.test>", "ed25519", null, "");
      Path keys = Files.createDirectories(tmp.resolve("keys"));
      Path sec = gpg.exportSecret(ours, PASSPHRASE, keys.resolve("signing.sec.asc"));
      Path pass = Files.writeString(keys.resolve("signing.pass"), PASSPHRASE + "\n");
      Path pub = gpg.exportPublic(ours, keys.resolve("signing.pub.asc"));
      Path attackerSec = gpg.exportSecret(theirs, "", keys.resolve("attacker.sec.asc"));
      List<String> histories = new ArrayList<>();

      // The CA host signs; the attacker runs the same tool with their own key, and with none.
      BackupResult genuine = backup(withSigning(lab.config(), sec, pass, null), "signed-backup", histories);
      Path archive = Path.of(genuine.archive());
      Path store = archive.getParent();
      Path sig = store.resolve(archive.getFileName() + ".sig");
      assertTrue(Files.isRegularFile(sig), "the signature lies beside the archive");
      assertEquals(ours, JSON.readTree(store.resolve(genuine.backupId() + ".json").toFile()).get("signedBy").asText());
      String status = gpg.gpg(List.of("--status-fd", "1", "--verify", sig.toString(), archive.toString()));
      assertTrue(status.lines().anyMatch(l -> l.startsWith("[GNUPG:] VALIDSIG ") && l.endsWith(ours)), status);
      try (Stream<Path> work = Files.list(store.resolve(".work"))) {
        assertEquals(List.of(), work.toList(), "nothing left in the work area");
      }

      BackupResult byAttacker = backup(withSigning(lab.config(), attackerSec, null, null), "attacker-signed", histories);
      BackupResult unsigned = backup(lab.config(), "unsigned", histories);
      assertFalse(Files.exists(Path.of(unsigned.archive() + ".sig")));
      // A genuine archive altered, its record's SHA-256 updated to match; and a genuine archive
      // replayed under a new name, recorded as the newest backup.
      rerecord(store, genuine, "altered", r -> { });
      try (RandomAccessFile f = new RandomAccessFile(store.resolve("altered.tar.gz").toFile(), "rw")) {
        f.seek(f.length() / 2);
        int b = f.read();
        f.seek(f.length() / 2);
        f.write(b ^ 0x40);
      }
      String alteredSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(store.resolve("altered.tar.gz"))));
      ObjectNode altered = (ObjectNode) JSON.readTree(store.resolve("altered.json").toFile());
      altered.put("sha256", alteredSha);
      Files.write(store.resolve("altered.json"), JSON.writeValueAsBytes(altered));
      // Dated newer than every real backup but within the clock-skew margin: a record dated far in
      // the future never becomes "latest" (BackupStore ranks it last), this one does.
      rerecord(store, genuine, "replayed", r -> r.put("createdAt", java.time.Instant.now().plusSeconds(60).toString()));

      StepcaRecoveryConfig restoring = withSigning(lab.config(), null, null, pub);
      TreeMap<String, String> labBefore = tree(lab.dir());
      TreeMap<String, String> storeBefore = files(store);
      TestWorkflowEnvironment env = environment(restoring);
      try {
        record Forgery(String backup, boolean approval, List<String> expected) {}
        List<Forgery> forgeries = List.of(
            new Forgery(byAttacker.backupId(), true, List.of("signed by key " + theirs, ours, "someone else")),
            new Forgery(unsigned.backupId(), false, List.of("is not signed", ours, unsigned.backupId())),
            new Forgery("altered", false, List.of("does not match its signature", ours, "altered")),
            new Forgery("latest", false, List.of("backup replayed of CA lab",
                "holds the signed archive of backup " + genuine.backupId())));
        for (Forgery f : forgeries) {
          String id = "restore-forged-" + f.backup();
          WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> stub(env,
              RestoreWorkflow.class, id).restore(new RestoreRequest("lab", f.backup(), null, f.approval(), null, null)));
          String m = Failures.rootMessage(e);
          for (String part : f.expected()) {
            assertTrue(m.contains(part), f.backup() + ": " + m);
          }
          assertEquals(labBefore, tree(lab.dir()), f.backup() + ": nothing on disk changed");
          assertEquals(storeBefore, files(store), f.backup() + ": the store is as it was");
          assertTrue(lab.healthy(), f.backup() + ": the CA was never stopped");
          histories.add(readable(env, id));
        }

        RestoreResult r = stub(env, RestoreWorkflow.class, "restore-signed")
            .restore(new RestoreRequest("lab", genuine.backupId()));
        assertTrue(r.ok(), r.message() + " " + r.checklist());
        assertEquals(List.of(), r.checklist().stream().filter(ChecklistItem::isFailed).toList());
        assertTrue(lab.healthy());
        histories.add(readable(env, "restore-signed"));
      } finally {
        env.close();
      }

      // Paths and fingerprints only: no passphrase and no key material in any history.
      String secretKeyText = Files.readString(sec);
      String attackerKeyText = Files.readString(attackerSec);
      assertEquals(8, histories.size());
      for (String history : histories) {
        assertFalse(history.contains(PASSPHRASE), "passphrase in a history");
        assertFalse(history.contains("PRIVATE KEY"), "private key in a history");
        assertFalse(history.contains(secretKeyText.substring(120, 180)), "key material in a history");
        assertFalse(history.contains(attackerKeyText.substring(120, 180)), "key material in a history");
      }
      // The search is not blind: the decoded histories do hold what may be there.
      assertTrue(histories.get(0).contains(ours), "the backup's history names its signer");
      assertTrue(histories.get(0).contains(sec.toString()) || histories.get(0).contains("signed-backup"),
          "payloads were decoded");
    }
  }

  /**
   * Encryption is not authenticity: whoever has the public key in encryptTo (anyone) makes an
   * encrypted backup the restoring host can decrypt; only the signature tells it apart.
   */
  @Test
  void anEncryptedBackupIsSignedOverItsStoredBytesAndAnEncryptedForgeryIsRefused() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); Gpg gpg = Gpg.in(tmp.resolve("gnupg"))) {
      String signer = gpg.newKey("CA backups signing <sign@lab.test>", "rsa3072", null, PASSPHRASE);
      String recipient = gpg.newKey("CA backups <enc@lab.test>", "ed25519", "cv25519", "");
      Path keys = Files.createDirectories(tmp.resolve("keys"));
      Path sec = gpg.exportSecret(signer, PASSPHRASE, keys.resolve("signing.sec.asc"));
      Path pass = Files.writeString(keys.resolve("signing.pass"), PASSPHRASE + "\n");
      Path pub = gpg.exportPublic(signer, keys.resolve("signing.pub.asc"));
      Path encPub = gpg.exportPublic(recipient, keys.resolve("enc.pub.asc"));
      Path encSec = gpg.exportSecret(recipient, "", keys.resolve("enc.sec.asc"));
      List<String> histories = new ArrayList<>();

      // (withBackups sets the encryption keys alone; withSigning keeps them)
      StepcaRecoveryConfig caHost = withSigning(
          EncryptedBackupRestoreTest.withBackups(lab.config(), encPub, null, null), sec, pass, null);
      BackupResult genuine = backup(caHost, "signed-encrypted", histories);
      Path archive = Path.of(genuine.archive());
      assertTrue(archive.getFileName().toString().endsWith(".tar.gz.gpg"), archive.toString());
      Path sig = archive.resolveSibling(archive.getFileName() + ".sig");
      String status = gpg.gpg(List.of("--status-fd", "1", "--verify", sig.toString(), archive.toString()));
      assertTrue(status.lines().anyMatch(l -> l.startsWith("[GNUPG:] VALIDSIG ") && l.endsWith(signer)), status);

      // The attacker needs only what every CA host has: the public encryption key.
      BackupResult forged = backup(EncryptedBackupRestoreTest.withBackups(lab.config(), encPub, null, null),
          "forged-encrypted", histories);
      assertTrue(forged.archive().endsWith(".tar.gz.gpg"), forged.archive());

      StepcaRecoveryConfig restoring = withSigning(
          EncryptedBackupRestoreTest.withBackups(lab.config(), null, encSec, null), null, null, pub);
      TreeMap<String, String> labBefore = tree(lab.dir());
      TestWorkflowEnvironment env = environment(restoring);
      try {
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> stub(env,
            RestoreWorkflow.class, "restore-forged-encrypted").restore(new RestoreRequest("lab", forged.backupId())));
        String m = Failures.rootMessage(e);
        assertTrue(m.contains("is not signed") && m.contains(forged.backupId()) && m.contains(signer), m);
        assertEquals(labBefore, tree(lab.dir()), "nothing on disk changed");
        assertTrue(lab.healthy());
        histories.add(readable(env, "restore-forged-encrypted"));

        RestoreResult r = stub(env, RestoreWorkflow.class, "restore-signed-encrypted")
            .restore(new RestoreRequest("lab", genuine.backupId()));
        assertTrue(r.ok(), r.message() + " " + r.checklist());
        assertTrue(lab.healthy());
        histories.add(readable(env, "restore-signed-encrypted"));
      } finally {
        env.close();
      }
      String secretKeyText = Files.readString(sec);
      for (String history : histories) {
        assertFalse(history.contains(PASSPHRASE), "passphrase in a history");
        assertFalse(history.contains("PRIVATE KEY"), "private key in a history");
        assertFalse(history.contains(secretKeyText.substring(120, 180)), "key material in a history");
      }
      assertTrue(histories.get(0).contains(signer) && histories.get(0).contains(recipient), histories.get(0));
    }
  }
}
