package io.stepcarecovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.drill.DrillRecord;
import io.stepcarecovery.retention.KeepPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drill records beside the backups: read back as hostile, and what retention makes of them. */
class DrillRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  /** Five backups, one a day, the newest first in the returned ids. */
  private BackupStore store(int n) throws Exception {
    Path dir = tmp.resolve("ca");
    Files.createDirectories(dir.resolve(".work"));
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      String id = "b" + i;
      Files.writeString(dir.resolve(id + ".tar.gz"), "archive " + id);
      StoredBackup record = new StoredBackup(id, "ca", id + ".tar.gz", "0".repeat(64), 10,
          now.minus(n - i, ChronoUnit.DAYS).toString(), "dated", "badgerv2", null, null, List.of(), null);
      Files.write(dir.resolve(id + ".json"), JSON.writeValueAsBytes(record));
    }
    return new BackupStore(tmp, "ca");
  }

  private static DrillRecord drill(String id, boolean ok) {
    return new DrillRecord(id, "drill-20261129T000000Z-0000abcd", ok, Instant.now().toString(), 1200, 1500,
        ok ? null : "Step-CA running: wrong password");
  }

  @Test
  void retentionKeepsTheNewestBackupThatPassedADrillAndForgetsTheRest() throws Exception {
    BackupStore s = store(5); // b4 newest
    DrillRecords.write(s, drill("b1", true));
    DrillRecords.write(s, drill("b0", true)); // older and passed: not protected
    DrillRecords.write(s, drill("b2", false)); // newer but failed: not protected
    List<String> forgotten = s.prune(KeepPolicy.lastN(1), null);
    assertEquals(List.of("b3", "b2", "b0"), forgotten);
    assertEquals(List.of("b4", "b1"), s.list().stream().map(StoredBackup::backupId).toList());
    // a forgotten backup's drill record goes with it; the kept one's stays
    assertFalse(Files.exists(DrillRecords.file(s, "b2")));
    assertFalse(Files.exists(DrillRecords.file(s, "b0")));
    assertTrue(DrillRecords.read(s, "b1").orElseThrow().ok());
  }

  @Test
  void aDrillRecordIsNeverTakenForABackupRecord() throws Exception {
    BackupStore s = store(2);
    DrillRecords.write(s, drill("b1", true));
    assertEquals(List.of("b1", "b0"), s.list().stream().map(StoredBackup::backupId).toList());
  }

  @Test
  void hostileRecordsAreIgnored() throws Exception {
    BackupStore s = store(3);
    Path dir = s.dir();
    // names another backup than its file
    Files.write(dir.resolve("b0" + DrillRecords.SUFFIX), JSON.writeValueAsBytes(drill("b2", true)));
    // not JSON
    Files.writeString(dir.resolve("b1" + DrillRecords.SUFFIX), "{\"ok\":true,");
    // a symlink to a sound record elsewhere
    Path elsewhere = tmp.resolve("elsewhere.json");
    Files.write(elsewhere, JSON.writeValueAsBytes(drill("b2", true)));
    Files.createSymbolicLink(dir.resolve("b2" + DrillRecords.SUFFIX), elsewhere);
    for (String id : List.of("b0", "b1", "b2")) {
      assertTrue(DrillRecords.read(s, id).isEmpty(), id);
    }
    assertEquals(List.of("b2"), List.of(s.list().get(0).backupId()));
    // so retention protects nothing beyond its own rules
    assertEquals(List.of("b1", "b0"), s.prune(KeepPolicy.lastN(1), null));
  }

  @Test
  void anOversizedRecordIsIgnored() throws Exception {
    BackupStore s = store(1);
    Files.writeString(DrillRecords.file(s, "b0"), "{\"backupId\":\"b0\",\"ok\":true,\"finishedAt\":\""
        + Instant.now() + "\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
    assertTrue(DrillRecords.read(s, "b0").isEmpty());
  }
}
