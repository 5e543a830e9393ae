package io.stepcarecovery.copies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.ArchiveReport;
import io.stepcarecovery.backup.BackupActivitiesImpl;
import io.stepcarecovery.backup.BackupPlan;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.store.BackupStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restic copy against a real restic (Debian's, as lab/install installs it) and real backups
 * of a lab CA, made by the backup activities as a backup run makes them (the snapshot directory
 * is still in the work area when the copy runs).
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResticStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static StepcaRecoveryConfig config;
  static CopyConfig.Restic restic;
  static final List<String> made = new ArrayList<>();
  static final Map<String, String> snapshots = new HashMap<>();

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.up(tmp.resolve("lab"));
    config = lab.config();
    lab.ctl("stop"); // a backup snapshots the stopped CA; it stays stopped: only our changes change its files
    Path pass = tmp.resolve("restic.pass");
    Files.writeString(pass, "correct horse battery staple\n");
    restic = new CopyConfig.Restic(tmp.resolve("restic-repo").toString(), pass, null);
    resticCli("init");
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  /** One backup as a run makes it, its work area (snapshot directory, manifest) still there. */
  static LocalBackup backup(String id) {
    BackupActivitiesImpl a = new BackupActivitiesImpl(config);
    BackupPlan plan = a.preflight("lab", false);
    a.snapshot("lab", id, plan);
    ArchiveReport r = a.archive("lab", id, "restic test", Instant.now().toString(), plan);
    StoredBackup s = a.publish("lab", id, r, null);
    BackupStore store = new BackupStore(config.ca("lab").backups().store(), "lab");
    made.add(id);
    return new LocalBackup(s, Path.of(s.archive()), null, store.dir().resolve(id + ".json"),
        store.workDir(id).resolve("snapshot"), store.workDir(id).resolve("manifest.json"));
  }

  @Test
  @Order(1)
  void aBackupLandsVerifiedInTheResticRepositoryTaggedWithTheCaAndBackup() throws Exception {
    LocalBackup b = backup("r-01");
    try (OffsiteStore store = ResticStore.open("lab", restic)) {
      CopyReport r = store.put(b, n -> {});
      assertTrue(r.verified(), r.toString());
      assertEquals("restic:" + restic.repository(), r.uri());
      snapshots.put("r-01", r.snapshot());
      JsonNode snaps = JSON.readTree(resticCli("snapshots", "--json"));
      assertEquals(1, snaps.size());
      List<String> tags = new ArrayList<>();
      snaps.get(0).get("tags").forEach(t -> tags.add(t.asText()));
      assertEquals(List.of("backup=r-01", "ca=lab", "stepca-recovery"), tags.stream().sorted().toList());
      assertEquals(List.of("r-01"), store.list().stream().map(StoredBackup::backupId).toList());
      assertTrue(store.verify("r-01", n -> {}).verified());
      // What the repository holds is the snapshot's files under their absolute paths, and the manifest.
      String ls = resticCli("ls", r.snapshot());
      assertTrue(ls.contains("/snapshot" + lab.caJson()), ls);
      assertTrue(ls.contains("/manifest.json") && ls.contains("/record.json"), ls);
      // A retry of the same copy finds the verified snapshot and adds none.
      assertEquals(r.snapshot(), store.put(b, n -> {}).snapshot());
      assertEquals(1, JSON.readTree(resticCli("snapshots", "--json")).size());
    }
    // The password went by file: a wrong one is refused with restic's own words.
    Path wrong = tmp.resolve("wrong.pass");
    Files.writeString(wrong, "wrong\n");
    try (OffsiteStore store = ResticStore.open("lab", new CopyConfig.Restic(restic.repository(), wrong, null))) {
      Exception e = assertThrows(Exception.class, store::list);
      assertTrue(e.getMessage().contains("wrong password") || e.getMessage().contains("no key found"), e.getMessage());
    }
  }

  /**
   * Ten backups, each after a small change (a new 64 KiB file of random bytes in the CA's
   * directory, which nothing compresses or deduplicates): the repository grows by about that.
   * The bound: what changed plus 16 KiB for what every snapshot adds besides: the tree blobs of
   * the changed directories, the manifest and record (compressed), the snapshot and index files
   * (measured here: ~5.5 KiB on the lab CA; the manifest grows with the CA's file count). A
   * tar.gz store grows by a whole archive each time.
   */
  @Test
  @Order(2)
  void tenBackupsWithSmallChangesGrowTheRepositoryByAboutWhatChanged() throws Exception {
    Random random = new Random(14);
    Path changes = Files.createDirectories(lab.stepPath().resolve("changes"));
    long before = rawData();
    List<String> lines = new ArrayList<>();
    try (OffsiteStore store = ResticStore.open("lab", restic)) {
      for (int i = 2; i <= 11; i++) {
        byte[] change = new byte[64 * 1024];
        random.nextBytes(change);
        Files.write(changes.resolve("change-" + i), change);
        LocalBackup b = backup(String.format("r-%02d", i));
        CopyReport r = store.put(b, n -> {});
        assertTrue(r.verified(), r.toString());
        long after = rawData();
        long growth = after - before;
        lines.add(b.backupId() + ": restic +" + growth + " bytes; tar.gz " + Files.size(b.archive()) + " bytes");
        assertTrue(growth >= change.length, "the new random bytes are stored: +" + growth);
        assertTrue(growth <= change.length + 16 * 1024, "growth within what changed + 16 KiB: +" + growth + "\n" + lines);
        before = after;
      }
    }
    System.out.println("restic growth per backup:\n  " + String.join("\n  ", lines));
  }

  @Test
  @Order(3)
  void aRestoreFromResticChecksEveryFileAndGivesAnArchiveThatVerifies() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("fetched"));
    try (OffsiteStore store = ResticStore.open("lab", restic)) {
      StoredBackup got = store.fetch("r-11", dir, n -> {});
      assertEquals(dir.resolve("r-11.tar.gz").toString(), got.archive());
      ArchiveReader.Verified v = ArchiveReader.verify(Path.of(got.archive()));
      assertEquals(got.sha256(), v.sha256());
      Manifest original = Manifest.parse(Files.readAllBytes(
          new BackupStore(config.ca("lab").backups().store(), "lab").workDir("r-11").resolve("manifest.json")));
      assertEquals(null, SnapshotFiles.difference(original, v.manifest()), "the same files as backed up");
      StoredBackup record = JSON.readValue(dir.resolve("r-11.json").toFile(), StoredBackup.class);
      assertEquals("r-11.tar.gz", record.archive());
      assertTrue(Files.list(dir).allMatch(p -> p.getFileName().toString().startsWith("r-11.")),
          "nothing else is left in the directory");
    }
  }

  /**
   * Someone with the repository's password replaces backup r-11's snapshot by one whose CA
   * key differs (restic's own checks cannot see it: the data is validly encrypted): refused.
   */
  @Test
  @Order(4)
  void aSnapshotWithATamperedFileIsRefusedAtRestore() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("tamper"));
    resticCli("restore", snapshots.getOrDefault("r-11", "latest"), "--target", work.toString(), "--tag", "backup=r-11");
    Path key = work.resolve("snapshot" + lab.stepPath()).resolve("secrets/intermediate_ca_key");
    assertTrue(Files.exists(key), "the restored snapshot holds " + key);
    byte[] bytes = Files.readAllBytes(key);
    bytes[bytes.length / 2] ^= 1;
    Files.write(key, bytes);
    String old = JSON.readTree(resticCli("snapshots", "--json", "--tag", "backup=r-11")).get(0).get("id").asText();
    resticIn(work, "backup", "--tag", "stepca-recovery", "--tag", "ca=lab", "--tag", "backup=r-11",
        "snapshot", "manifest.json", "record.json");
    resticCli("forget", old);

    Path dir = Files.createDirectories(tmp.resolve("fetched-tampered"));
    try (OffsiteStore store = ResticStore.open("lab", restic)) {
      UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> store.fetch("r-11", dir, n -> {}));
      assertTrue(e.getMessage().contains("checksum mismatch for " + key.toString().replace(work.resolve("snapshot").toString(), "")),
          e.getMessage());
      assertThrows(UnsafeArchiveException.class, () -> store.verify("r-11", n -> {}));
    }
    try (var left = Files.list(dir)) {
      assertFalse(left.findAny().isPresent(), "nothing of the refused backup is left to restore");
    }
  }

  /** restic's own forget with the policy: dry run changes nothing, the real one removes exactly that. */
  @Test
  @Order(5)
  void retentionOnTheRepositoryIsResticForgetWithThePolicy() throws Exception {
    try (ResticStore store = (ResticStore) ResticStore.open("lab", restic)) {
      List<String> all = store.list().stream().map(StoredBackup::backupId).toList();
      assertEquals(11, all.size(), all.toString());
      List<String> would = store.forget(io.stepcarecovery.retention.KeepPolicy.lastN(3), true);
      assertEquals(all.subList(3, 11), would, "the 8 oldest would go, newest first");
      assertEquals(11, JSON.readTree(resticCli("snapshots", "--json")).size(), "a dry run removes nothing");
      // The newest backup that passed a drill stays whatever the policy says.
      String drilled = all.get(7);
      List<String> protectedRun = store.forget(io.stepcarecovery.retention.KeepPolicy.lastN(3),
          java.util.Set.of(drilled), true);
      assertEquals(all.subList(3, 11).stream().filter(id -> !id.equals(drilled)).toList(), protectedRun,
          "all but the drilled one of the 8 oldest would go");
      assertEquals(would, store.forget(io.stepcarecovery.retention.KeepPolicy.lastN(3), false));
      assertEquals(all.subList(0, 3), store.list().stream().map(StoredBackup::backupId).toList());
      resticCli("check"); // pruned, and the repository is sound
    }
  }

  static long rawData() throws Exception {
    return JSON.readTree(resticCli("stats", "--mode", "raw-data", "--json")).get("total_size").asLong();
  }

  static String resticCli(String... args) throws Exception {
    return resticIn(null, args);
  }

  static String resticIn(Path cwd, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("restic", "-r", restic.repository(), "--password-file",
        restic.passwordFile().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Path err = Files.createTempFile(tmp, "restic", ".err");
    Process p = pb.redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), cmd + ": " + Files.readString(err));
    return new String(out, StandardCharsets.UTF_8);
  }
}
