package io.stepcarecovery.archive;

import static io.stepcarecovery.archive.ArchiveKit.file;
import static io.stepcarecovery.archive.ArchiveKit.plus;
import static io.stepcarecovery.archive.ArchiveKit.remanifest;
import static io.stepcarecovery.archive.ArchiveKit.symlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveKit.Ent;
import io.stepcarecovery.backup.ArchiveReport;
import io.stepcarecovery.backup.BackupActivitiesImpl;
import io.stepcarecovery.backup.BackupPlan;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.restore.RestoreActivitiesImpl;
import io.stepcarecovery.restore.RestorePlan;
import io.stepcarecovery.store.BackupStore;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives planted in a real lab's store as if they were backups: restore's verification
 * and its staging both refuse them, non-retryably, and not one byte of the lab changes.
 */
@Tag("lab")
@Timeout(120)
class HostileRestoreTest {
  private static final String CA = "lab";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  record Case(String id, Path archive, String type, Predicate<String> verifyMessage, Predicate<String> stageMessage) {}

  @Test
  void hostileBackupsAreRefusedBeforeAnythingIsWritten() throws Exception {
    LabCa lab = LabCa.up(tmp.resolve("lab"));
    LabCa other = null;
    try {
      other = LabCa.up(tmp.resolve("other"));
      StoredBackup real = backup(lab, "real-1");
      StoredBackup foreign = backup(other, "foreign-1");
      String anchor = Fingerprints.ofFile(lab.rootCert());
      String foreignRoot = Fingerprints.ofFile(other.rootCert());
      // the other CA's data as if it sat at this lab's paths (same layout on both hosts)
      Path snap = tmp.resolve("mirror");
      copyTree(other.stepPath(), Snapshotter.mirror(snap, lab.stepPath()));
      Path mirroredCaJson = Snapshotter.mirror(snap, lab.caJson());
      Files.writeString(mirroredCaJson, Files.readString(mirroredCaJson)
          .replace(other.dir().toString(), lab.dir().toString()));
      other.close();
      other = null;

      BackupStore store = new BackupStore(lab.config().ca(CA).backups().store(), CA);
      List<Ent> ents = ArchiveKit.entries(Path.of(real.archive()));
      Manifest m = ArchiveKit.manifestOf(ents);
      assertEquals(List.of(lab.stepPath().toString()), m.roots());
      String step = m.stepPath().substring(1);

      Map<String, Case> cases = new LinkedHashMap<>();
      String traversal = step + "/../../planted";
      Path p = plant(store, "traversal", ArchiveKit.gzip(ArchiveKit.tar(remanifest(plus(ents, file(traversal, "x"))))));
      cases.put("traversal", new Case("traversal", p, "UnsafeArchive",
          is(p + ": entry name '" + traversal + "' contains '..': refused (path traversal)"), null));

      String absolute = lab.dir() + "/planted";
      p = plant(store, "absolute", ArchiveKit.gzip(ArchiveKit.tar(plus(ents, file(absolute, "x")))));
      cases.put("absolute", new Case("absolute", p, "UnsafeArchive",
          is(p + ": entry name '" + absolute + "' is absolute, empty or malformed: refused (path traversal)"), null));

      // certs/evil -> ../../trust, then certs/evil/root_ca.crt: would replace the trust anchor
      String link = step + "/certs/evil";
      p = plant(store, "symlink", ArchiveKit.gzip(ArchiveKit.tar(remanifest(plus(ents, symlink(link, "../../trust"),
          file(link + "/root_ca.crt", "not a certificate"))))));
      cases.put("symlink", new Case("symlink", p, "UnsafeArchive",
          is(p + ": entry '" + link + "/root_ca.crt' lies beneath the symlink '" + link
              + "': refused (writing through a link escapes the restore)"), null));

      byte[] whole = Files.readAllBytes(Path.of(real.archive()));
      p = plant(store, "truncated", Arrays.copyOf(whole, whole.length / 2));
      cases.put("truncated", new Case("truncated", p, "UnsafeArchive",
          is("archive " + p + " is truncated (unexpected end of data): it was not completely written or"
              + " copied; use another backup"), null));

      // the other lab's real backup, as it is: its data lives elsewhere
      p = plant(store, "foreign-as-is", Files.readAllBytes(Path.of(foreign.archive())));
      cases.put("foreign-as-is", new Case("foreign-as-is", p, "UnsafeArchive",
          differentCa("foreign-as-is", foreignRoot, lab.rootCert(), anchor),
          s -> s.startsWith(tmp.resolve("other").toString()) && s.contains(" lies outside the verified roots ")));

      // the other lab's data at this lab's paths: only the root fingerprint tells them apart
      Path mirrored = tmp.resolve("foreign-mirrored.tar.gz");
      ArchiveWriter.write(snap, new Manifest(Manifest.FORMAT, "foreign-mirrored", CA, lab.caUrl(),
          Instant.now().toString(), "test", m.dbType(), m.caConfig(), m.stepPath(), m.roots(), foreignRoot,
          null, List.of()), mirrored, b -> {});
      p = plant(store, "foreign-mirrored", Files.readAllBytes(mirrored));
      cases.put("foreign-mirrored", new Case("foreign-mirrored", p, "UnsafeArchive",
          differentCa("foreign-mirrored", foreignRoot, lab.rootCert(), anchor),
          is("the root certificate in backup foreign-mirrored has fingerprint " + foreignRoot + ", not the "
              + anchor + " its manifest claims; refused")));

      RestoreActivitiesImpl restore = new RestoreActivitiesImpl(lab.config());
      assertEquals(real.sha256(), restore.verifyBackup(CA, "real-1", false, null).sha256(), "the real backup verifies");
      assertEquals(m.roots(), real.roots(), "the record names the manifest's roots");
      RestorePlan onePass = restore.verifyAndStage(CA, "real-1", false, null, "real");
      assertEquals(real.sha256(), onePass.sha256(), "the real backup verifies and stages in one read");
      Path staged = lab.stepPath().resolveSibling("step.restoring-real");
      assertEquals(Files.readString(lab.caJson()), Files.readString(staged.resolve("config/ca.json")));
      restore.discardStaging(CA, onePass, "real");
      assertFalse(Files.exists(staged, LinkOption.NOFOLLOW_LINKS));

      lab.ctl("stop"); // nothing may change the lab while it is watched: not even the CA's own log
      // The planted records are rewritten below (to steer the one-read path): not the lab's data.
      Path[] records = cases.keySet().stream().map(id -> store.dir().resolve(id + ".json")).toArray(Path[]::new);
      String before = ArchiveKit.treeDigest(lab.dir(), records);
      int n = 0;
      for (Case c : cases.values()) {
        ApplicationFailure verify = assertThrows(ApplicationFailure.class, () -> restore.verifyBackup(CA, c.id(), false, null));
        System.out.println(c.id() + ": verifyBackup refused: " + verify.getOriginalMessage());
        assertEquals(c.type(), verify.getType(), c.id());
        assertTrue(verify.isNonRetryable(), c.id());
        assertTrue(c.verifyMessage().test(verify.getOriginalMessage()), c.id() + ": " + verify.getOriginalMessage());

        RestorePlan plan = new RestorePlan(c.id(), c.archive().toString(), ArchiveKit.sha256(c.archive()),
            m.createdAt(), m.dbType(), anchor, m.roots(), 0, 0);
        String tag = "hostile" + n++;
        ApplicationFailure stage = assertThrows(ApplicationFailure.class, () -> restore.stage(CA, plan, tag));
        System.out.println(c.id() + ": stage refused: " + stage.getOriginalMessage());
        assertEquals("UnsafeArchive", stage.getType(), c.id());
        assertTrue(stage.isNonRetryable(), c.id());
        Predicate<String> expected = c.stageMessage() != null ? c.stageMessage() : c.verifyMessage();
        assertTrue(expected.test(stage.getOriginalMessage()), c.id() + ": " + stage.getOriginalMessage());
        assertFalse(Files.exists(lab.stepPath().resolveSibling("step.restoring-" + tag), LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, ArchiveKit.treeDigest(lab.dir(), records), c.id() + " changed the lab");

        // One read that verifies and stages, steered by a record that claims this lab's roots
        // and trust anchor, so every case really is extracted while it is read: refused with
        // the verification's own message, the staging gone, nothing else changed.
        plant(store, c.id(), Files.readAllBytes(c.archive()), m.roots(), anchor);
        String tag1 = "onepass" + n;
        ApplicationFailure both = assertThrows(ApplicationFailure.class,
            () -> restore.verifyAndStage(CA, c.id(), false, null, tag1));
        System.out.println(c.id() + ": verifyAndStage refused: " + both.getOriginalMessage());
        assertEquals(c.type(), both.getType(), c.id());
        assertTrue(both.isNonRetryable(), c.id());
        assertTrue(c.verifyMessage().test(both.getOriginalMessage()), c.id() + ": " + both.getOriginalMessage());
        assertFalse(Files.exists(lab.stepPath().resolveSibling("step.restoring-" + tag1), LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, ArchiveKit.treeDigest(lab.dir(), records), c.id() + " (one read) changed the lab");
      }
      assertFalse(Files.exists(tmp.resolve("planted")));
      assertFalse(Files.exists(lab.dir().resolve("planted")));

      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "the lab CA still starts and serves");
    } finally {
      if (other != null) {
        other.close();
      }
      lab.close();
    }
  }

  /** Refused naming both roots: the backup's and the trust anchor's. */
  private static Predicate<String> differentCa(String id, String foreignRoot, Path rootCert, String anchor) {
    return s -> s.startsWith("backup " + id + " is of a different CA: its root is " + foreignRoot
        + " but the trust anchor " + rootCert + " is " + anchor + ".");
  }

  private static Predicate<String> is(String expected) {
    return expected::equals;
  }

  /** A real backup through the backup activities, with the CA stopped for the snapshot. */
  static StoredBackup backup(LabCa lab, String id) throws Exception {
    BackupActivitiesImpl b = new BackupActivitiesImpl(lab.config());
    BackupPlan plan = b.preflight(CA, false);
    lab.ctl("stop");
    try {
      b.snapshot(CA, id, plan);
    } finally {
      lab.ctl("start");
    }
    ArchiveReport r = b.archive(CA, id, "test", Instant.now().toString(), plan);
    StoredBackup stored = b.publish(CA, id, r, null);
    b.discardWork(CA, id);
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));
    return stored;
  }

  /** An archive in the store with the record that makes it a listed, restorable backup. */
  private static Path plant(BackupStore store, String id, byte[] archive) throws Exception {
    return plant(store, id, archive, null, null);
  }

  /** ... with a record that names roots and a root fingerprint, as a real one does. */
  static Path plant(BackupStore store, String id, byte[] archive, List<String> roots, String root)
      throws Exception {
    Path target = store.archive(id);
    Files.write(target, archive);
    StoredBackup record = new StoredBackup(id, CA, target.toString(), ArchiveKit.sha256(target), archive.length,
        Instant.now().toString(), "planted", "badgerv2", root, null, roots, null);
    Files.write(store.dir().resolve(id + ".json"), JSON.writeValueAsBytes(record));
    return target;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(t);
        } else {
          Files.createDirectories(t.getParent());
          Files.copy(p, t, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
