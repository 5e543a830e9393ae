package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.encryption.DecryptionKey;
import io.stepcarecovery.encryption.RecipientKey;
import io.stepcarecovery.lab.Gpg;
import io.stepcarecovery.signing.BackupSignature;
import io.stepcarecovery.signing.SigningKey;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups signed with Bouncy Castle and checked by Debian's real GnuPG, and the other way round;
 * every missing, foreign or altered signature, every tampered byte and every misplaced key is
 * one clear refusal naming the backup and fingerprints, never a key or a passphrase.
 */
@Tag("lab")
class SignedArchiveTest {
  private static final String PASSPHRASE = "signing passphrase 3b9c";
  @TempDir Path tmp;
  /** One gpg home and its keys for the whole class: making an RSA key takes gpg seconds. */
  @TempDir static Path keys;
  static Gpg gpg;
  static final java.util.Map<String, Key> made = new java.util.HashMap<>();

  @BeforeAll
  static void gnupg() throws Exception {
    gpg = Gpg.in(keys.resolve("gnupg"));
  }

  @AfterAll
  static void agent() {
    gpg.close();
  }

  /** A key made by gpg as an operator would, exported to files. */
  private record Key(String fpr, Path pub, Path sec, Path pass) {}

  private static Key key(String name, String primary, String enc) throws Exception {
    String id = name + "-" + primary;
    Key k = made.get(id);
    if (k == null) {
      k = newKey(id, primary, enc);
      made.put(id, k);
    }
    return k;
  }

  private static Key newKey(String name, String primary, String enc) throws Exception {
    String fpr = gpg.newKey(name + " <" + name + "@backups.test>", primary, enc, PASSPHRASE);
    Path dir = Files.createDirectories(keys.resolve("keys-" + name));
    return new Key(fpr, gpg.exportPublic(fpr, dir.resolve("pub.asc")),
        gpg.exportSecret(fpr, PASSPHRASE, dir.resolve("sec.asc")),
        Files.writeString(dir.resolve("pass"), PASSPHRASE + "\n"));
  }

  private static BackupsConfig verifyingWith(Path pub) {
    return new BackupsConfig(Path.of("/unused"), null, null, null, null, null, null, pub);
  }

  private static BackupSignature.Check check(Path pub, Path archive) {
    return BackupSignature.check(verifyingWith(pub), archive, "backup kit-1 (" + archive + ")", b -> {});
  }

  private Path signedArchive(Key k) throws Exception {
    Path archive = ArchiveKit.validArchive(tmp, 40);
    SigningKey.load(k.sec(), k.pass()).sign(archive, BackupSignature.of(archive), b -> {});
    return archive;
  }

  private static String refusal(Executable e) {
    UnsafeArchiveException u = assertThrows(UnsafeArchiveException.class, e);
    assertFalse(u.getMessage().contains(PASSPHRASE), u.getMessage());
    return u.getMessage();
  }

  private static void flipByte(Path file, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  /** ed25519 and rsa3072 go through the JDK's providers; brainpool, which the JDK lacks, through Bouncy Castle. */
  @ParameterizedTest(name = "{0} key made by gpg")
  @CsvSource({"ed25519, cv25519", "rsa3072, rsa3072", "brainpoolP256r1, brainpoolP256r1"})
  void gpgVerifiesWhatWeSignAndWeAcceptWhatGpgSigns(String primary, String enc) throws Exception {
    Key k = key("signer", primary, enc);
    SigningKey signer = SigningKey.load(k.sec(), k.pass());
    assertEquals(k.fpr(), signer.fingerprint());
    Path archive = signedArchive(k);
    Path sig = BackupSignature.of(archive);
    assertEquals(archive.getFileName() + ".sig", sig.getFileName().toString());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sig)));

    // By hand: gpg --verify of ours (it exits non-zero on a bad signature).
    String status = gpg.gpg(List.of("--status-fd", "1", "--verify", sig.toString(), archive.toString()));
    assertTrue(status.contains("[GNUPG:] GOODSIG ") && status.contains("[GNUPG:] VALIDSIG ")
        && status.lines().anyMatch(l -> l.startsWith("[GNUPG:] VALIDSIG ") && l.endsWith(k.fpr())), status);

    BackupSignature.Check ours = check(k.pub(), archive);
    ArchiveReader.Verified v = ArchiveReader.read(archive, ours.around(ArchiveReader.Layer.NONE),
        ArchiveReader.Limits.DEFAULT, null, b -> {});
    assertEquals("kit-1", v.manifest().backupId());

    // gpg's own detached signatures, binary and armored, are accepted the same way.
    for (List<String> how : List.of(List.of("--detach-sign"), List.of("--armor", "--detach-sign"))) {
      Files.delete(sig);
      List<String> args = new java.util.ArrayList<>(List.of("--passphrase", PASSPHRASE, "--local-user", k.fpr(),
          "--output", sig.toString()));
      args.addAll(how);
      args.add(archive.toString());
      gpg.gpg(args);
      ArchiveReader.read(archive, check(k.pub(), archive).around(ArchiveReader.Layer.NONE),
          ArchiveReader.Limits.DEFAULT, null, b -> {});
    }
  }

  @Test
  void withoutVerifyWithNothingIsRequired() throws Exception {
    Path archive = ArchiveKit.validArchive(tmp, 3);
    assertSame(BackupSignature.Check.NOT_REQUIRED, BackupSignature.check(
        new BackupsConfig(Path.of("/unused"), null), archive, "backup kit-1", b -> {}));
  }

  @Test
  void aMissingSignatureIsRefusedNamingTheBackupAndTheTrustedKey() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    Path archive = ArchiveKit.validArchive(tmp, 3);
    String m = refusal(() -> check(k.pub(), archive));
    assertTrue(m.contains("backup kit-1") && m.contains("is not signed") && m.contains(k.fpr())
        && m.contains(BackupSignature.of(archive).toString()), m);
  }

  @Test
  void aSignatureByAnotherKeyIsRefusedNamingBothKeys() throws Exception {
    Key ours = key("ours", "ed25519", "cv25519");
    Key theirs = key("attacker", "rsa3072", "rsa3072");
    Path archive = signedArchive(theirs);
    String m = refusal(() -> check(ours.pub(), archive));
    assertTrue(m.contains("backup kit-1") && m.contains("signed by key " + theirs.fpr())
        && m.contains(ours.fpr()) && m.contains("someone else"), m);
  }

  @Test
  void aTamperedArchiveIsRefusedBeforeItIsRead() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    Path archive = signedArchive(k);
    flipByte(archive, Files.size(archive) / 2);
    String m = refusal(() -> check(k.pub(), archive));
    assertTrue(m.contains("backup kit-1") && m.contains("does not match its signature")
        && m.contains(k.fpr()), m);
  }

  @Test
  void bytesAppendedToTheArchiveAreRefused() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    Path archive = signedArchive(k);
    Files.write(archive, new byte[] {0}, StandardOpenOption.APPEND);
    assertTrue(refusal(() -> check(k.pub(), archive)).contains("does not match its signature"));
  }

  @Test
  void aTamperedSignatureIsRefused() throws Exception {
    Key k = key("signer", "rsa3072", "rsa3072");
    Path archive = signedArchive(k);
    Path sig = BackupSignature.of(archive);
    flipByte(sig, Files.size(sig) - 10); // inside the signature value
    String m = refusal(() -> check(k.pub(), archive));
    assertTrue(m.contains("backup kit-1") && (m.contains("does not match its signature") || m.contains("not an OpenPGP")), m);
    Files.write(sig, "not a signature at all\n".getBytes());
    m = refusal(() -> check(k.pub(), archive));
    assertTrue(m.contains("not an OpenPGP detached signature") || m.contains("holds no OpenPGP signature"), m);
  }

  /** The archive is swapped after its signature was checked: the real read is held to it too. */
  @Test
  void anArchiveChangedAfterTheCheckFailsTheReadItself() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    Path archive = signedArchive(k);
    BackupSignature.Check checked = check(k.pub(), archive);
    flipByte(archive, Files.size(archive) / 3);
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> ArchiveReader.read(archive,
        checked.around(ArchiveReader.Layer.NONE), ArchiveReader.Limits.DEFAULT, null, b -> {}));
    assertTrue(e.getMessage().contains("signature") || e.getMessage().contains("corrupt"), e.getMessage());
  }

  /**
   * Encrypted and signed: bytes appended after the OpenPGP message, which decryption never reads,
   * still fail the read, because the rest of the file is read into the signature at its end.
   */
  @Test
  void anEncryptedArchiveIsHeldToItsSignatureToTheLastByte() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    RecipientKey to = RecipientKey.load(k.pub());
    DecryptionKey open = DecryptionKey.load(k.sec(), k.pass());
    ArchiveKit.validArchive(tmp, 20);
    Path archive = tmp.resolve("kit-1.tar.gz.gpg");
    ArchiveWriter.write(tmp.resolve("snapshot"), ArchiveKit.template(), archive,
        out -> to.encrypting(out, "kit-1.tar.gz"), b -> {});
    SigningKey.load(k.sec(), k.pass()).sign(archive, BackupSignature.of(archive), b -> {});
    ArchiveReader.Layer decrypting = raw -> open.decrypting(raw, "kit-1");
    ArchiveReader.read(archive, check(k.pub(), archive).around(decrypting), ArchiveReader.Limits.DEFAULT,
        null, b -> {});

    BackupSignature.Check checked = check(k.pub(), archive);
    Files.write(archive, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> ArchiveReader.read(archive,
        checked.around(decrypting), ArchiveReader.Limits.DEFAULT, null, b -> {}));
    assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
  }

  @Test
  void aSigningKeyWithAPassphraseNeedsItsFileAndTheRightOne() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    ConfigException e = assertThrows(ConfigException.class, () -> SigningKey.load(k.sec(), null));
    assertTrue(e.getMessage().contains("backups.signPassphraseFile") && e.getMessage().contains(k.sec().toString()),
        e.getMessage());
    Path wrong = Files.writeString(tmp.resolve("wrong.pass"), "not it\n");
    e = assertThrows(ConfigException.class, () -> SigningKey.load(k.sec(), wrong));
    assertTrue(e.getMessage().contains("wrong passphrase") && !e.getMessage().contains("not it"), e.getMessage());
    Path absent = tmp.resolve("absent.pass");
    e = assertThrows(ConfigException.class, () -> SigningKey.load(k.sec(), absent));
    assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
  }

  @Test
  void keysInTheWrongPlaceAreRefused() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    ConfigException e = assertThrows(ConfigException.class, () -> SigningKey.load(k.pub(), null));
    assertTrue(e.getMessage().contains("backups.signWith") && e.getMessage().contains("only a public key"),
        e.getMessage());
    Path archive = ArchiveKit.validArchive(tmp, 3);
    e = assertThrows(ConfigException.class, () -> check(k.sec(), archive));
    assertTrue(e.getMessage().contains("backups.verifyWith") && e.getMessage().contains("PRIVATE key"),
        e.getMessage());
    String secret = Files.readString(k.sec());
    assertFalse(e.getMessage().contains(secret.substring(100, 160)), "no key material in the message");
    Path missing = tmp.resolve("nope.asc");
    e = assertThrows(ConfigException.class, () -> check(missing, archive));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("gpg --armor --export"),
        e.getMessage());
  }

  @Test
  void anEncryptionOnlyKeyCannotSign() throws Exception {
    // A subkey that only encrypts, exported alone with its primary's secret stripped (gpg's "#").
    Key k = key("signer", "ed25519", "cv25519");
    Path subOnly = tmp.resolve("sub-only.asc");
    String subFpr = gpg.gpg(List.of("--with-colons", "--list-keys", k.fpr())).lines()
        .filter(l -> l.startsWith("fpr:")).skip(1).findFirst().orElseThrow().split(":")[9];
    Files.writeString(subOnly, gpg.gpg(List.of("--passphrase", PASSPHRASE, "--armor", "--export-secret-subkeys",
        subFpr + "!")));
    ConfigException e = assertThrows(ConfigException.class, () -> SigningKey.load(subOnly, k.pass()));
    assertTrue(e.getMessage().contains("no usable signing key") && e.getMessage().contains(k.fpr()), e.getMessage());
  }

  @Test
  void aRecordThatIsNotTheSignedManifestsIsRefused() throws Exception {
    Key k = key("signer", "ed25519", "cv25519");
    Path archive = signedArchive(k);
    Manifest m = ArchiveReader.read(archive, check(k.pub(), archive).around(ArchiveReader.Layer.NONE),
        ArchiveReader.Limits.DEFAULT, null, b -> {}).manifest();
    StoredBackup honest = new StoredBackup("kit-1", "kit", archive.toString(), "x", 1, m.createdAt(), "r", "badgerv2",
        null, null, null, null, k.fpr());
    BackupSignature.checkRecord(verifyingWith(k.pub()), honest, m);
    StoredBackup replayed = new StoredBackup("kit-9", "kit", archive.toString(), "x", 1, "2099-01-01T00:00:00Z", "r",
        "badgerv2", null, null, null, null, k.fpr());
    String msg = refusal(() -> BackupSignature.checkRecord(verifyingWith(k.pub()), replayed, m));
    assertTrue(msg.contains("kit-9") && msg.contains("kit-1") && msg.contains("replayed"), msg);
    // Without verifyWith nothing is claimed about who made the record's archive.
    BackupSignature.checkRecord(new BackupsConfig(Path.of("/unused"), null), replayed, m);
  }
}
