package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.restore.RestoreActivitiesImpl;
import io.stepcarecovery.restore.RestorePlan;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore killed with -9 leaves its staging (a full copy of the CA's keys) beside the live
 * data. The next restore, holding the CA's lock, removes it; moved-aside live data stays.
 */
@Tag("lab")
@Timeout(120)
class LeftoverStagingTest {
  @TempDir
  Path tmp;

  @Test
  void theNextRestoreRemovesADeadRunsStagingAndKeepsMovedAsideData() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      StoredBackup real = HostileRestoreTest.backup(lab, "real-1");
      Path step = lab.stepPath();
      Path dead = step.resolveSibling("step.restoring-20260101T000000Z");
      Files.createDirectories(dead.resolve("secrets"));
      Files.copy(step.resolve("secrets/intermediate_ca_key"), dead.resolve("secrets/intermediate_ca_key"));
      dead.resolve("secrets").toFile().setWritable(false); // a 0500 directory, as staged secrets are
      Path aside = step.resolveSibling("step.pre-restore-20260101T000000Z");
      Files.createDirectories(aside);
      Files.writeString(aside.resolve("keep"), "the only copy of the old data");

      RestoreActivitiesImpl restore = new RestoreActivitiesImpl(lab.config());
      RestorePlan plan = restore.verifyAndStage("lab", real.backupId(), false, null, "next");

      assertFalse(Files.exists(dead, LinkOption.NOFOLLOW_LINKS), "the dead run's staging is gone");
      assertEquals("the only copy of the old data", Files.readString(aside.resolve("keep")), "moved-aside data kept");
      assertTrue(Files.isRegularFile(step.resolveSibling("step.restoring-next").resolve("config/ca.json")));
      restore.discardStaging("lab", plan, "next");
      assertFalse(Files.exists(step.resolveSibling("step.restoring-next"), LinkOption.NOFOLLOW_LINKS));
    }
  }
}
