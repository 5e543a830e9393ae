package io.stepcarecovery.copies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.lab.LabCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SFTP and S3 stores against the real servers of lab/up --offsite (OpenSSH's sshd, s3proxy):
 * a round trip, a server killed mid-upload (nothing lists, the next upload works), and the SFTP
 * server's host key checked against the pinned one.
 */
@Tag("lab")
class OffsiteStoresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;

  @BeforeAll
  static void up() {
    lab = LabCa.upOffsite(tmp.resolve("lab"));
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static CopyConfig.Sftp sftp(Path knownHosts) {
    return new CopyConfig.Sftp("127.0.0.1", Integer.parseInt(lab.env("SFTP_PORT")), lab.env("SFTP_USER"),
        Path.of(lab.env("SFTP_KEY")), knownHosts, lab.env("SFTP_PATH"));
  }

  static CopyConfig.S3 s3() {
    return new CopyConfig.S3(lab.env("S3_ENDPOINT"), null, lab.env("S3_BUCKET"), "it", null,
        Path.of(lab.env("S3_CREDENTIALS")), null, null);
  }

  /** A backup as the local store would hand it over: random bytes stand for the archive. */
  static LocalBackup backup(String id, int bytes) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("local").resolve(id));
    byte[] data = new byte[bytes];
    new Random(id.hashCode()).nextBytes(data);
    Path archive = Files.write(dir.resolve(id + ".tar.gz"), data);
    Path sig = Files.writeString(dir.resolve(id + ".tar.gz.sig"), "-----BEGIN PGP SIGNATURE-----\nfake\n");
    StoredBackup record = new StoredBackup(id, "lab", id + ".tar.gz", Layout.sha256(archive), bytes,
        Instant.now().toString(), "test", "badgerv2", "root", "inter", List.of("/x"), null, "signer");
    Path recordFile = dir.resolve(id + ".json");
    JSON.writeValue(recordFile.toFile(), record);
    return new LocalBackup(Layout.at(record, archive.toString()), archive, sig, recordFile, null, null);
  }

  static void roundTrip(OffsiteStore store, String id) throws Exception {
    LocalBackup b = backup(id, 3 * S3Store.PART / 2 + 12345); // multipart for S3
    CopyReport r = store.put(b, n -> { });
    assertTrue(r.verified(), r.toString());
    assertEquals(b.record().sha256(), r.sha256());
    assertEquals(store.uri(), r.uri());
    assertTrue(store.list().stream().anyMatch(x -> x.backupId().equals(id)), "listed after the upload");
    assertTrue(store.verify(id, n -> { }).verified());

    Path into = tmp.resolve("fetched-" + id);
    StoredBackup fetched = store.fetch(id, into, n -> { });
    assertArrayEquals(Files.readAllBytes(b.archive()), Files.readAllBytes(Path.of(fetched.archive())));
    assertArrayEquals(Files.readAllBytes(b.signature()), Files.readAllBytes(into.resolve(id + ".tar.gz.sig")),
        "the signature travels with the archive");
    assertTrue(Files.exists(into.resolve(id + ".json")));

    store.delete(id);
    assertFalse(store.list().stream().anyMatch(x -> x.backupId().equals(id)), "gone after delete");
  }

  @Test
  void sftpRoundTrip() throws Exception {
    try (OffsiteStore s = SftpStore.open("lab", sftp(Path.of(lab.env("SFTP_KNOWN_HOSTS"))))) {
      roundTrip(s, "20260101T000000Z-sftp");
    }
  }

  @Test
  void s3RoundTrip() throws Exception {
    try (OffsiteStore s = S3Store.open("lab", s3())) {
      roundTrip(s, "20260101T000000Z-s3rt");
    }
  }

  @Test
  void aHostKeyOtherThanThePinnedOneIsRefusedSayingSo() throws Exception {
    Path other = tmp.resolve("other_key");
    LabCa.run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", other.toString()), 30);
    String pub = Files.readString(Path.of(other + ".pub")).trim();
    Path wrong = Files.writeString(tmp.resolve("wrong_known_hosts"),
        "[127.0.0.1]:" + lab.env("SFTP_PORT") + " " + pub.substring(0, pub.lastIndexOf(' ')) + "\n");
    CopyException mismatch = assertThrows(CopyException.class, () -> SftpStore.open("lab", sftp(wrong)).close());
    assertTrue(mismatch.getMessage().contains("HOST KEY MISMATCH") && mismatch.getMessage().contains(wrong.toString())
        && mismatch.getMessage().contains("refused"), mismatch.getMessage());

    Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
    CopyException unknown = assertThrows(CopyException.class, () -> SftpStore.open("lab", sftp(empty)).close());
    assertTrue(unknown.getMessage().contains("is not pinned in " + empty) && unknown.getMessage().contains("refused"),
        unknown.getMessage());
    // the file is never written to (no trust on first use)
    assertEquals("", Files.readString(empty));
  }

  @Test
  void s3ServerKilledMidUploadLeavesNothingListedAndTheNextUploadWorks() throws Exception {
    String id = "20260101T000000Z-s3kl";
    LocalBackup b = backup(id, 4 * S3Store.PART);
    try (OffsiteStore s = S3Store.open("lab", s3())) {
      // killed after the first part went up: the multipart upload can neither complete nor be aborted
      assertThrows(IOException.class, () -> s.put(b, n -> {
        if (n > 0) {
          kill("s3proxy.pid");
        }
      }));
    }
    LabCa.run(List.of(LabCa.repo().resolve("lab/offsite-ctl").toString(), lab.dir().toString(), "start"), 60);
    try (OffsiteStore s = S3Store.open("lab", s3())) {
      assertFalse(s.list().stream().anyMatch(x -> x.backupId().equals(id)), "a partial upload never lists");
      assertFalse(Files.exists(Path.of(lab.env("S3_DATA"), lab.env("S3_BUCKET"), "it/lab", id + ".tar.gz")),
          "no object under the archive's key");
      assertTrue(s.put(b, n -> { }).verified(), "the next upload works");
      assertTrue(s.list().stream().anyMatch(x -> x.backupId().equals(id)));
    }
  }

  @Test
  void sftpServerKilledMidUploadLeavesNothingListedAndTheNextUploadWorks() throws Exception {
    String id = "20260101T000000Z-sfkl";
    LocalBackup b = backup(id, 32 << 20);
    try (OffsiteStore s = SftpStore.open("lab", sftp(Path.of(lab.env("SFTP_KNOWN_HOSTS"))))) {
      assertThrows(IOException.class, () -> s.put(b, n -> {
        if (n > 2 << 20) {
          kill("sshd.pid"); // the listener and the session serving this upload
        }
      }));
    }
    Path dir = Path.of(lab.env("SFTP_PATH"), "lab");
    assertFalse(Files.exists(dir.resolve(id + ".tar.gz")), "the archive never took its name");
    assertFalse(Files.exists(dir.resolve(id + ".json")), "no record");
    LabCa.run(List.of(LabCa.repo().resolve("lab/offsite-ctl").toString(), lab.dir().toString(), "start"), 60);
    try (OffsiteStore s = SftpStore.open("lab", sftp(Path.of(lab.env("SFTP_KNOWN_HOSTS"))))) {
      assertFalse(s.list().stream().anyMatch(x -> x.backupId().equals(id)), "a partial upload never lists");
      assertTrue(s.put(b, n -> { }).verified(), "the next upload works (over the partial file)");
      assertTrue(s.list().stream().anyMatch(x -> x.backupId().equals(id)));
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".part")).toList(),
          "the retry replaced the partial file");
    }
  }

  /**
   * A restarted worker seeds each store's newest verified copy time from the store's own listing
   * (no archive read): the newest real backup on SFTP and on S3, not one dated in the future; a
   * store that does not answer is left out and the others still seeded.
   */
  @Test
  void copySeedTakesEachStoresNewestListedBackup() throws Exception {
    String ca = "seed";
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Instant older = now.minusSeconds(7200);
    Instant newer = now.minusSeconds(3600);
    CopyConfig onSftp = new CopyConfig(sftp(Path.of(lab.env("SFTP_KNOWN_HOSTS"))), null, null);
    CopyConfig onS3 = new CopyConfig(null, s3(), null);
    try (OffsiteStore sftp = OffsiteStores.open(ca, onSftp); OffsiteStore s3 = OffsiteStores.open(ca, onS3)) {
      for (OffsiteStore s : List.of(sftp, s3)) {
        assertTrue(s.put(backup(ca, "seed-older", older), n -> { }).verified());
        assertTrue(s.put(backup(ca, "seed-newer", newer), n -> { }).verified());
        assertTrue(s.put(backup(ca, "seed-forged", now.plusSeconds(30 * 86400)), n -> { }).verified());
      }
      assertTrue(s3.put(backup(ca, "seed-s3-only", now.minusSeconds(60)), n -> { }).verified());
    }
    // an SFTP store nobody listens on: refused at once
    CopyConfig down = new CopyConfig(new CopyConfig.Sftp("127.0.0.1", freePort(), lab.env("SFTP_USER"),
        Path.of(lab.env("SFTP_KEY")), Path.of(lab.env("SFTP_KNOWN_HOSTS")), "/nowhere"), null, null);
    Path store = Files.createDirectories(tmp.resolve("seed-local"));
    var caConfig = new io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig(ca, "localhost",
        tmp.resolve("ca.json"), "https://localhost:9000", tmp.resolve("root.crt"), null, null, null, null,
        new io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig(store, null, null, null, null, null, null,
            null, List.of(down, onSftp, onS3)));
    var config = new io.stepcarecovery.config.StepcaRecoveryConfig(tmp.resolve("c.yaml"), null, List.of(caConfig),
        List.of(), List.of());
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    io.stepcarecovery.metrics.CopySeed.seed(config, new io.stepcarecovery.metrics.RunbookMetrics(registry));

    String metric = io.stepcarecovery.metrics.RunbookMetrics.COPY_LAST_VERIFIED;
    assertEquals(newer.getEpochSecond(), registry.get(metric).tags("ca", ca, "store", onSftp.uri()).gauge().value());
    assertEquals(now.minusSeconds(60).getEpochSecond(),
        registry.get(metric).tags("ca", ca, "store", onS3.uri()).gauge().value());
    assertEquals(null, registry.find(metric).tags("store", down.uri()).gauge(), "a store that did not answer");
  }

  static LocalBackup backup(String ca, String id, Instant createdAt) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("local-" + ca).resolve(id));
    Path archive = Files.writeString(dir.resolve(id + ".tar.gz"), "archive " + id);
    StoredBackup record = new StoredBackup(id, ca, id + ".tar.gz", Layout.sha256(archive), Files.size(archive),
        createdAt.toString(), "test", "badgerv2", "root", "inter", List.of("/x"), null, null, null, 1500L);
    Path recordFile = dir.resolve(id + ".json");
    JSON.writeValue(recordFile.toFile(), record);
    return new LocalBackup(Layout.at(record, archive.toString()), archive, null, recordFile, null, null);
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** SIGKILL to a lab server and every process it started (sshd forks one per session). */
  static void kill(String pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(lab.dir().resolve("offsite").resolve(pidFile)).trim());
      ProcessHandle.of(pid).ifPresent(p -> {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.onExit().join();
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
