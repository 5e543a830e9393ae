package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.store.BackupStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which stores hold which of a CA's backups: the local store and every off-host copy, listed
 * (complete backups only, never read in full). For {@code backups}.
 *
 * @param backups every backup any store holds, newest first; one record each (the local one when
 *     the local store has it)
 * @param stores for each backup id, the stores that hold it: "local" first, then copies in config order
 * @param unreachable the stores that could not be listed, and why
 */
public record Holdings(List<StoredBackup> backups, Map<String, List<String>> stores, Map<String, String> unreachable) {
  public static Holdings of(CaConfig c) {
    Map<String, StoredBackup> byId = new LinkedHashMap<>();
    Map<String, List<String>> stores = new LinkedHashMap<>();
    Map<String, String> unreachable = new LinkedHashMap<>();
    for (StoredBackup b : new BackupStore(c.backups().store(), c.name()).list()) {
      byId.put(b.backupId(), b);
      stores.computeIfAbsent(b.backupId(), k -> new ArrayList<>()).add("local");
    }
    for (CopyConfig copy : c.backups().copiesOrEmpty()) {
      try (OffsiteStore s = OffsiteStores.open(c.name(), copy)) {
        for (StoredBackup b : s.list()) {
          byId.putIfAbsent(b.backupId(), b);
          stores.computeIfAbsent(b.backupId(), k -> new ArrayList<>()).add(copy.uri());
        }
      } catch (Exception e) {
        unreachable.put(copy.uri(), e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
    List<StoredBackup> all = byId.values().stream().sorted(Comparator.comparing(StoredBackup::createdAt)
        .thenComparing(StoredBackup::backupId).reversed()).toList();
    return new Holdings(all, stores, unreachable);
  }
}
