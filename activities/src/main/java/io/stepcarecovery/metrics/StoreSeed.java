package io.stepcarecovery.metrics;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.store.DrillRecords;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At worker start, the last backup (time, size, CA downtime) and drill times from the store's own
 * records, so a restarted worker exports the same "last success" as before and no staleness alert
 * fires just because it restarted. (The off-host copies' times: {@link CopySeed}.) Only stores this host sees (a host worker's CA, a shared mount).
 */
public final class StoreSeed {
  private static final Logger log = LoggerFactory.getLogger(StoreSeed.class);

  private StoreSeed() {}

  public static void seed(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    for (CaConfig c : config.cas()) {
      if (c.backups() == null || c.backups().store() == null || !Files.isDirectory(c.backups().store())) {
        continue;
      }
      try {
        BackupStore store = new BackupStore(c.backups().store(), c.name());
        List<String> future = store.futureDated();
        // newest first; a future-dated record would hide a stale backup, so it never counts
        List<StoredBackup> backups = store.list().stream().filter(b -> !future.contains(b.backupId())).toList();
        if (!backups.isEmpty()) {
          StoredBackup newest = backups.get(0);
          metrics.backupSeen(c.name(), RunbookMetrics.instant(newest.createdAt()), newest.sizeBytes(),
              newest.caDowntimeMillis());
        }
        for (StoredBackup b : backups) {
          DrillRecords.read(store, b.backupId()).ifPresent(r -> metrics.drillRecorded(c.name(), r));
        }
      } catch (RuntimeException e) {
        // the metrics stay unset (absent), which the rules treat as their own alert
        log.warn("metrics: cannot read the records of CA {} in {}: {}", c.name(), c.backups().store(), e.getMessage());
      }
    }
  }
}
