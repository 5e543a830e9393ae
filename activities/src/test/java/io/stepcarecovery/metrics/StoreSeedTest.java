package io.stepcarecovery.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.drill.DrillRecord;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.store.DrillRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a restart the backup and drill times come from the store's records, as before it. */
class StoreSeedTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  @TempDir Path tmp;

  private void backup(String id, Instant createdAt, long size) throws Exception {
    backup(id, createdAt, size, null);
  }

  private void backup(String id, Instant createdAt, long size, Long caDowntimeMillis) throws Exception {
    Path dir = tmp.resolve("ca");
    Files.createDirectories(dir.resolve(".work"));
    Files.writeString(dir.resolve(id + ".tar.gz"), "archive " + id);
    Files.write(dir.resolve(id + ".json"), JSON.writeValueAsBytes(new StoredBackup(id, "ca", id + ".tar.gz",
        "0".repeat(64), size, createdAt.toString(), "dated", "badgerv2", null, null, List.of(), null, null, null,
        caDowntimeMillis)));
  }

  private StepcaRecoveryConfig config() {
    CaConfig ca = new CaConfig("ca", "localhost", tmp.resolve("ca.json"), "https://localhost:9000",
        tmp.resolve("root.crt"), null, null, null, null,
        new BackupsConfig(tmp, null, null, null, null, null, null, null));
    return new StepcaRecoveryConfig(tmp.resolve("config.yaml"), null, List.of(ca), List.of(), List.of());
  }

  @Test
  void theNewestRealBackupAndTheNewestPassedDrillAreSeeded_aFutureDatedRecordIsNot() throws Exception {
    backup("old", NOW.minus(2, ChronoUnit.DAYS), 10);
    backup("new", NOW.minus(1, ChronoUnit.DAYS), 20);
    backup("forged", NOW.plus(30, ChronoUnit.DAYS), 30); // would hide a stale backup
    BackupStore store = new BackupStore(tmp, "ca");
    Instant passedAt = NOW.minus(47, ChronoUnit.HOURS);
    DrillRecords.write(store, new DrillRecord("old", "drill-20261129T000000Z-0000abcd", true,
        passedAt.toString(), 4000, 100, null));
    DrillRecords.write(store, new DrillRecord("new", "drill-20261129T000000Z-0000abce", false,
        NOW.minus(23, ChronoUnit.HOURS).toString(), 0, 0, "Step-CA running: wrong password"));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreSeed.seed(config(), new RunbookMetrics(registry));

    assertEquals(NOW.minus(1, ChronoUnit.DAYS).getEpochSecond(), value(registry, RunbookMetrics.BACKUP_LAST_SUCCESS));
    assertEquals(20, value(registry, RunbookMetrics.BACKUP_ARCHIVE_BYTES));
    assertEquals(passedAt.getEpochSecond(), value(registry, RunbookMetrics.DRILL_LAST_SUCCESS));
    assertEquals(4.0, value(registry, RunbookMetrics.DRILL_RTO));
    assertEquals(0.0, value(registry, RunbookMetrics.DRILL_LAST_OK), "the newest drill failed");
    assertNull(registry.find(RunbookMetrics.BACKUPS + ".total").counter(), "counters are this process's own");
    assertNull(registry.find(RunbookMetrics.BACKUPS).counter(), "counters are this process's own");
  }

  @Test
  void theNewestBackupsCaDowntimeIsSeededFromItsRecord() throws Exception {
    backup("stopped", NOW.minus(2, ChronoUnit.DAYS), 10, 4250L);
    backup("online", NOW.minus(1, ChronoUnit.DAYS), 20, 0L); // a MySQL dump: the CA never stopped
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreSeed.seed(config(), new RunbookMetrics(registry));
    assertEquals(0.0, value(registry, RunbookMetrics.BACKUP_CA_DOWNTIME), "the newest backup's, not the older one's");

    backup("newer", NOW.minus(1, ChronoUnit.HOURS), 30, 4250L);
    registry = new SimpleMeterRegistry();
    StoreSeed.seed(config(), new RunbookMetrics(registry));
    assertEquals(4.25, value(registry, RunbookMetrics.BACKUP_CA_DOWNTIME));
  }

  @Test
  void aNewestRecordThatDoesNotKnowItsDowntimeLeavesTheMetricAbsent() throws Exception {
    backup("stopped", NOW.minus(2, ChronoUnit.DAYS), 10, 4250L);
    backup("older-release", NOW.minus(1, ChronoUnit.DAYS), 20, null); // written before records said
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreSeed.seed(config(), new RunbookMetrics(registry));
    assertNull(registry.find(RunbookMetrics.BACKUP_CA_DOWNTIME).gauge(), "not the older backup's 4.25 s");
  }

  @Test
  void aStoreWithoutBackupsLeavesTheMetricsAbsent() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StoreSeed.seed(config(), new RunbookMetrics(registry));
    assertNull(registry.find(RunbookMetrics.BACKUP_LAST_SUCCESS).gauge());
  }

  private static double value(SimpleMeterRegistry registry, String name) {
    Gauge g = registry.find(name).tags("ca", "ca").gauge();
    return g == null ? Double.NaN : g.value();
  }
}
