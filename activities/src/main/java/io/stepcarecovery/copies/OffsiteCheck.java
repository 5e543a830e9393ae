package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code check} of the off-host copies: without reading the data, each copy's complete backups
 * (record present, archive of the recorded size); with it, every byte read back against the
 * record's SHA-256. Never writes.
 *
 * @param problem null when it passed
 */
public record OffsiteCheck(String uri, String backupId, String problem) {
  public boolean ok() {
    return problem == null;
  }

  /** @param backup a backup id, or "all" */
  public static List<OffsiteCheck> check(CaConfig c, String backup, boolean readData) {
    List<OffsiteCheck> results = new ArrayList<>();
    boolean all = backup == null || backup.equals("all");
    for (CopyConfig copy : c.backups().copiesOrEmpty()) {
      try (OffsiteStore s = OffsiteStores.open(c.name(), copy)) {
        List<StoredBackup> held = s.list();
        List<String> ids = all ? held.stream().map(StoredBackup::backupId).toList()
            : held.stream().anyMatch(b -> b.backupId().equals(backup)) ? List.of(backup) : List.of();
        if (!all && ids.isEmpty()) {
          results.add(new OffsiteCheck(copy.uri(), backup, "this copy does not hold it"));
        }
        for (String id : ids) {
          if (!readData) {
            results.add(new OffsiteCheck(copy.uri(), id, null));
            continue;
          }
          try {
            CopyReport r = s.verify(id, n -> { });
            results.add(new OffsiteCheck(copy.uri(), id, r.verified() ? null : r.error()));
          } catch (Exception e) {
            results.add(new OffsiteCheck(copy.uri(), id, "cannot read it back: " + e.getMessage()));
          }
        }
      } catch (Exception e) {
        results.add(new OffsiteCheck(copy.uri(), all ? "*" : backup, "cannot reach the store: " + e.getMessage()));
      }
    }
    return results;
  }
}
