package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.backup.ArchiveReport;
import io.stepcarecovery.backup.BackupActivitiesImpl;
import io.stepcarecovery.backup.BackupPlan;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.restore.RestoreActivitiesImpl;
import io.stepcarecovery.restore.RestorePlan;
import io.temporal.failure.ApplicationFailure;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA host's disk fills up while a restore extracts beside the live data: the failure says
 * "no space" and where (not "corrupt archive, use another backup", which would send the
 * operator after the wrong problem), it is not retried, the staging is removed and the live data
 * is untouched. The disk is a real tmpfs (needs root, as CI runs; fails loudly otherwise).
 */
@Tag("lab")
@Timeout(120)
class DiskFullStagingTest {
  @TempDir Path tmp;

  @Test
  void aFullDiskWhileStagingIsReportedAsSuchAndChangesNothing() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    LabCa.run(List.of("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.toString()), 10);
    try (LabCa lab = LabCa.up(disk.resolve("lab"))) {
      BackupActivitiesImpl b = new BackupActivitiesImpl(lab.config());
      BackupPlan plan = b.preflight("lab", false);
      lab.ctl("stop");
      try {
        b.snapshot("lab", "full-1", plan);
      } finally {
        lab.ctl("start");
      }
      ArchiveReport r = b.archive("lab", "full-1", "test", Instant.now().toString(), plan);
      StoredBackup stored = b.publish("lab", "full-1", r, null);
      b.discardWork("lab", "full-1");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));

      RestoreActivitiesImpl restore = new RestoreActivitiesImpl(lab.config());
      RestorePlan verified = restore.verifyBackup("lab", stored.backupId(), false, null);
      lab.ctl("stop"); // so that not even the CA's log changes while the lab is watched
      String before = ArchiveKit.treeDigest(lab.dir());
      Path filler = disk.resolve("someone-elses-file");
      fillLeaving(filler, 4 << 10);

      ApplicationFailure e = assertThrows(ApplicationFailure.class, () -> restore.stage("lab", verified, "full"));
      Path staging = lab.stepPath().resolveSibling(lab.stepPath().getFileName() + ".restoring-full");
      assertEquals("DiskRefused", e.getType(), e.getOriginalMessage());
      assertTrue(e.isNonRetryable());
      assertTrue(e.getOriginalMessage().contains("No space left on device")
          && e.getOriginalMessage().contains(staging.toString()), e.getOriginalMessage());
      assertFalse(e.getOriginalMessage().contains("corrupt"), e.getOriginalMessage());
      assertFalse(Files.exists(staging, LinkOption.NOFOLLOW_LINKS), "staging removed");

      Files.delete(filler);
      assertEquals(before, ArchiveKit.treeDigest(lab.dir()), "the live data and the store are unchanged");
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "the CA starts and serves as before");
    } finally {
      LabCa.run(List.of("umount", "-l", disk.toString()), 10);
    }
  }

  private static void fillLeaving(Path filler, long leave) throws Exception {
    long free = Files.getFileStore(filler.getParent()).getUsableSpace();
    try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      for (long left = free - leave; left > 0; left -= zeros.capacity()) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), left));
        ch.write(zeros);
      }
    }
  }
}
