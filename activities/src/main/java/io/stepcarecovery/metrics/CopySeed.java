package io.stepcarecovery.metrics;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.copies.OffsiteStore;
import io.stepcarecovery.copies.OffsiteStores;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At worker start, per off-host store the time of the newest backup it holds, from the store's
 * own listing (records, or restic's snapshot list: no archive is read), so a restarted worker
 * exports {@code stepca_copy_last_verified_timestamp_seconds} as before and the "copy missing"
 * alert does not lose its series. A store lists a backup only once its record is written, and
 * copies write the record after every byte was read back: a listed backup is a verified copy.
 *
 * <p>Only for CAs whose local store this host sees: the CA host's worker, which makes the copies
 * and holds the stores' credentials. Network I/O: the caller runs it off the start path.
 */
public final class CopySeed {
  private static final Logger log = LoggerFactory.getLogger(CopySeed.class);

  private CopySeed() {}

  public static void seed(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    for (CaConfig c : config.cas()) {
      if (c.backups() == null || c.backups().store() == null || !Files.isDirectory(c.backups().store())) {
        continue;
      }
      for (CopyConfig copy : c.backups().copiesOrEmpty()) {
        try (OffsiteStore store = OffsiteStores.open(c.name(), copy)) {
          newest(store).ifPresent(b -> metrics.copyVerified(c.name(), copy.uri(), b.createdAt()));
        } catch (IOException | RuntimeException e) {
          // the series stays absent until the next copy to this store; the worker runs on
          log.warn("metrics: cannot list the copies of CA {} on {}: {}", c.name(), copy.uri(), e.getMessage());
        }
      }
    }
  }

  /** The newest listed backup, a record dated in the future excepted (it would hide a stale copy). */
  static Optional<StoredBackup> newest(OffsiteStore store) throws IOException {
    Instant now = Instant.now();
    return store.list().stream().filter(b -> !BackupStore.futureDated(b, now))
        .max(Comparator.comparing(b -> RunbookMetrics.instant(b.createdAt())));
  }
}
