package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.encryption.DecryptionKey;
import io.stepcarecovery.encryption.RecipientKey;
import io.stepcarecovery.lab.Gpg;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups encrypted at rest with Bouncy Castle, opened by Debian's real GnuPG, and the other way
 * round; every wrong key, passphrase or tampered byte is one clear refusal.
 */
@Tag("lab")
class EncryptedArchiveTest {
  private static final String PASSPHRASE = "correct horse battery staple";
  @TempDir Path tmp;
  Gpg gpg;

  @BeforeEach
  void gnupg() throws Exception {
    gpg = Gpg.in(tmp.resolve("gnupg"));
  }

  @AfterEach
  void agent() {
    gpg.close();
  }

  private Path encryptedArchive(RecipientKey to) throws Exception {
    ArchiveKit.validArchive(tmp, 40);
    Path target = tmp.resolve("kit-1.tar.gz.gpg");
    ArchiveWriter.write(tmp.resolve("snapshot"), ArchiveKit.template(), target,
        out -> to.encrypting(out, "kit-1.tar.gz"), b -> {});
    return target;
  }

  private static ArchiveReader.Verified read(Path archive, DecryptionKey key) {
    return ArchiveReader.read(archive, raw -> key.decrypting(raw, archive.toString()),
        ArchiveReader.Limits.DEFAULT, null, b -> {});
  }

  @ParameterizedTest(name = "{0} primary, {1} encryption subkey")
  @CsvSource({"ed25519, cv25519", "rsa3072, rsa3072"})
  void gpgDecryptsWhatWeWriteAndWeReadItBackWithTheKeyGpgExported(String primary, String enc) throws Exception {
    String fpr = gpg.newKey("Backups <backups@" + enc + ".test>", primary, enc, "");
    RecipientKey to = RecipientKey.load(gpg.exportPublic(fpr, tmp.resolve("backup.pub.asc")));
    assertEquals(fpr, to.fingerprint());
    Path archive = encryptedArchive(to);
    Path plain = tmp.resolve("valid.tar.gz");

    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(archive), 2);
    assertFalse(head[0] == 0x1f && head[1] == (byte) 0x8b, "stored bytes are not a gzip in clear");
    Path opened = tmp.resolve("opened.tar.gz");
    gpg.decrypt(archive, opened, "");
    ArchiveReader.Verified byGpg = ArchiveReader.verify(opened);
    assertTrue(LabCa.run(List.of("tar", "-tzf", opened.toString()), 30).contains("config/ca.json"));
    assertArrayEquals(ArchiveKit.entries(plain).stream().map(e -> e.name()).toArray(),
        ArchiveKit.entries(opened).stream().map(e -> e.name()).toArray());

    DecryptionKey key = DecryptionKey.load(gpg.exportSecret(fpr, "", tmp.resolve("backup.sec.asc")), null);
    ArchiveReader.Verified byUs = read(archive, key);
    assertEquals(byGpg.manifest(), byUs.manifest());
    assertEquals(byGpg.bytes(), byUs.bytes());
    to.checkRecipientOf(archive);
  }

  @Test
  void whatGpgEncryptsByHandIsReadToo() throws Exception {
    String fpr = gpg.newKey("Backups <backups@test>", "ed25519", "cv25519", "");
    Path plain = ArchiveKit.validArchive(tmp, 5);
    Path archive = tmp.resolve("by-hand.tar.gz.gpg");
    gpg.encrypt(plain, archive, fpr); // gpg compresses and may use its own cipher preferences
    DecryptionKey key = DecryptionKey.load(gpg.exportSecret(fpr, "", tmp.resolve("sec.asc")), null);
    assertEquals(ArchiveReader.verify(plain).manifest(), read(archive, key).manifest());
  }

  @Test
  void aFlippedByteAnywhereIsRefusedAndTheIntegrityCheckCatchesWhatInflateCannot() throws Exception {
    String fpr = gpg.newKey("Backups <backups@test>", "ed25519", "cv25519", "");
    Path archive = encryptedArchive(RecipientKey.load(gpg.exportPublic(fpr, tmp.resolve("pub.asc"))));
    DecryptionKey key = DecryptionKey.load(gpg.exportSecret(fpr, "", tmp.resolve("sec.asc")), null);
    byte[] good = Files.readAllBytes(archive);
    // In the middle of the data: the tar.gz decrypts to garbage and is refused.
    Path middle = tmp.resolve("middle.tar.gz.gpg");
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x40;
    Files.write(middle, bad);
    assertThrows(UnsafeArchiveException.class, () -> read(middle, key));
    // In the last bytes, the MDC itself: the tar.gz is intact, only the integrity check notices.
    Path tail = tmp.resolve("tail.tar.gz.gpg");
    bad = good.clone();
    bad[bad.length - 3] ^= 0x01;
    Files.write(tail, bad);
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> read(tail, key));
    assertTrue(e.getMessage().contains("integrity"), e.getMessage());
    // Cut short.
    Path cut = tmp.resolve("cut.tar.gz.gpg");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 40));
    assertThrows(UnsafeArchiveException.class, () -> read(cut, key));
  }

  @Test
  void wrongKeysAndPassphrasesGetOneClearErrorThatHoldsNoSecret() throws Exception {
    String fpr = gpg.newKey("Backups <backups@test>", "ed25519", "cv25519", PASSPHRASE);
    String other = gpg.newKey("Someone else <else@test>", "ed25519", "cv25519", "");
    String signOnly = gpg.newKey("Sign only <sign@test>", "ed25519", null, "");
    Path pub = gpg.exportPublic(fpr, tmp.resolve("pub.asc"));
    Path sec = gpg.exportSecret(fpr, PASSPHRASE, tmp.resolve("sec.asc"));
    Path archive = encryptedArchive(RecipientKey.load(pub));
    Path right = Files.writeString(tmp.resolve("right.pass"), PASSPHRASE + "\n");
    Path wrong = Files.writeString(tmp.resolve("wrong.pass"), "not it\n");

    assertEquals(ArchiveKit.template().backupId(), read(archive, DecryptionKey.load(sec, right)).manifest().backupId());

    List<String> messages = List.of(
        assertThrows(ConfigException.class, () -> read(archive, DecryptionKey.load(sec, null))).getMessage(),
        assertThrows(ConfigException.class, () -> read(archive, DecryptionKey.load(sec, wrong))).getMessage(),
        assertThrows(ConfigException.class, () -> read(archive, DecryptionKey.load(
            gpg.exportSecret(other, "", tmp.resolve("other.asc")), null))).getMessage(),
        assertThrows(ConfigException.class, () -> DecryptionKey.load(pub, null)).getMessage(),
        assertThrows(ConfigException.class, () -> DecryptionKey.load(tmp.resolve("missing.asc"), null)).getMessage(),
        assertThrows(ConfigException.class, () -> RecipientKey.load(sec)).getMessage(),
        assertThrows(ConfigException.class, () -> RecipientKey.load(tmp.resolve("missing.asc"))).getMessage(),
        assertThrows(ConfigException.class, () -> RecipientKey.load(
            gpg.exportPublic(signOnly, tmp.resolve("sign.asc")))).getMessage(),
        assertThrows(ConfigException.class, () -> RecipientKey.load(right)).getMessage());
    assertTrue(messages.get(0).contains("protected by a passphrase") && messages.get(0).contains("decryptPassphraseFile"), messages.get(0));
    assertTrue(messages.get(1).contains("wrong passphrase") && messages.get(1).contains(wrong.toString()), messages.get(1));
    assertTrue(messages.get(2).contains("is encrypted to OpenPGP key id"), messages.get(2));
    assertTrue(messages.get(3).contains("holds only a public key"), messages.get(3));
    assertTrue(messages.get(4).contains("does not exist on this host"), messages.get(4));
    assertTrue(messages.get(5).contains("holds a PRIVATE key"), messages.get(5));
    assertTrue(messages.get(6).contains("does not exist"), messages.get(6));
    assertTrue(messages.get(7).contains("no valid encryption subkey"), messages.get(7));
    assertTrue(messages.get(8).contains("encryptTo " + right), messages.get(8));
    String secretKeyText = Files.readString(sec);
    for (String m : messages) {
      assertFalse(m.contains(PASSPHRASE) || m.contains("PRIVATE KEY BLOCK") || m.contains(secretKeyText.substring(100, 140)), m);
    }
  }
}
