package io.stepcarecovery.archive;

import static io.stepcarecovery.archive.ArchiveKit.dir;
import static io.stepcarecovery.archive.ArchiveKit.file;
import static io.stepcarecovery.archive.ArchiveKit.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.ArchiveKit.Ent;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: whoever can write to the backup store must not gain root on the CA host. A forged
 * backup of the real lab CA — every checksum right, the right root fingerprint — whose manifest
 * adds an existing directory (the victim) and a new one (as /etc/cron.d would be) is refused by
 * every restore step, because where a restore writes is the restoring host's decision: not one
 * byte beside or inside the victim changes, no staging directory is made, the lab is untouched.
 */
@Tag("lab")
@Timeout(180)
class ForgedRootRestoreTest {
  private static final String CA = "lab";

  @TempDir
  Path tmp;

  @Test
  void aManifestCannotChooseWhereARestoreWrites() throws Exception {
    LabCa lab = LabCa.up(tmp.resolve("lab"));
    try {
      StoredBackup real = HostileRestoreTest.backup(lab, "real-1");
      Path victim = tmp.resolve("victim");
      Files.createDirectories(victim);
      Files.writeString(victim.resolve("keep"), "precious");
      Path cronD = tmp.resolve("cron.d"); // does not exist yet: a forged root may not create it either

      List<Ent> ents = ArchiveKit.entries(Path.of(real.archive()));
      List<String> roots = new ArrayList<>(ArchiveKit.manifestOf(ents).roots());
      roots.add(victim.toString());
      roots.add(cronD.toString());
      List<Ent> forged = ArchiveKit.remanifest(plus(ents,
          dir(victim.toString().substring(1)),
          file(victim.toString().substring(1) + "/planted", "owned"),
          dir(cronD.toString().substring(1)),
          file(cronD.toString().substring(1) + "/evil", "* * * * * root sh -c 'id > /tmp/pwned'\n")), roots);
      BackupStore store = new BackupStore(lab.config().ca(CA).backups().store(), CA);
      String anchor = Fingerprints.ofFile(lab.rootCert());
      byte[] bytes = ArchiveKit.gzip(ArchiveKit.tar(forged));
      // Its record claims the same roots, so the one-read path would extract while it reads.
      Path archive = HostileRestoreTest.plant(store, "forged", bytes, roots, anchor);

      RestoreActivitiesImpl restore = new RestoreActivitiesImpl(lab.config());
      lab.ctl("stop"); // nothing may change while it is watched, not even the CA's log
      Path[] skip = {store.dir()};
      String before = ArchiveKit.treeDigest(tmp, skip);

      String expected = "backup forged would write to " + victim + ", " + cronD + ", which are not paths"
          + " of CA 'lab' on this host";
      refused(expected, () -> restore.verifyBackup(CA, "forged", false, null));
      refused(expected, () -> restore.verifyAndStage(CA, "forged", false, null, "t1"));
      // A forged foreign root changes nothing: where it may write is not about whose CA it is.
      refused(expected, () -> restore.verifyAndStage(CA, "forged", true, null, "t2"));
      // A plan is workflow data: stage and swap check it again on the host.
      RestorePlan plan = new RestorePlan("forged", archive.toString(), ArchiveKit.sha256(archive),
          real.createdAt(), real.dbType(), anchor, roots, 0, 0);
      refused(expected, () -> restore.stage(CA, plan, "t3"));
      refused(expected, () -> restore.swapIn(CA, plan, "t4"));
      restore.discardStaging(CA, plan, "t4"); // deletes nothing beside a path that is not the CA's

      assertEquals(before, ArchiveKit.treeDigest(tmp, skip), "a refused restore changed files");
      assertEquals("precious", Files.readString(victim.resolve("keep")));
      assertFalse(Files.exists(cronD, LinkOption.NOFOLLOW_LINKS));
      try (var siblings = Files.list(tmp)) {
        List<String> staged = siblings.map(p -> p.getFileName().toString())
            .filter(n -> n.contains(".restoring-") || n.contains(".pre-restore-")).toList();
        assertEquals(List.of(), staged, "no staging or moved-aside directory was made");
      }

      // The operator's escape hatch for a CA that really keeps data there: named, per run.
      RestorePlan allowed = restore.verifyBackup(CA, "forged", false, List.of(victim.toString(), cronD.toString()));
      assertEquals(roots, allowed.roots());
      assertEquals(before, ArchiveKit.treeDigest(tmp, skip), "verification alone writes nothing");

      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "the lab CA still starts and serves");
    } finally {
      lab.close();
    }
  }

  private static void refused(String expectedStart, Executable call) {
    ApplicationFailure f = assertThrows(ApplicationFailure.class, call::run);
    System.out.println("refused: " + f.getOriginalMessage());
    assertEquals("UnsafeArchive", f.getType());
    assertTrue(f.isNonRetryable());
    assertTrue(f.getOriginalMessage().startsWith(expectedStart), f.getOriginalMessage());
    assertTrue(f.getOriginalMessage().contains("refused before anything changed"), f.getOriginalMessage());
  }

  @FunctionalInterface
  interface Executable {
    void run() throws Exception;
  }
}
