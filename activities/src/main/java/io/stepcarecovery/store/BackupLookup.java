package io.stepcarecovery.store;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import java.util.List;

/**
 * Finds the backup a person named. A name the store does not hold is the person's mistake, not a
 * passing fault: it is a {@link ConfigException} (not retried by an activity, exit 2 in the CLI),
 * while a store that cannot be listed stays a {@link StoreException} (retried: a mount may come
 * back).
 */
public final class BackupLookup {
  public static final String LATEST = "latest";

  private BackupLookup() {}

  public static StoredBackup find(BackupStore store, String ca, String idOrLatest) {
    if (idOrLatest == null || idOrLatest.isBlank()) {
      throw new ConfigException("no backup named: give a backup id or '" + LATEST + "' (list them with:"
          + " stepca-recovery backups --ca " + ca + ")");
    }
    List<StoredBackup> all = store.list();
    if (idOrLatest.equals(LATEST)) {
      if (all.isEmpty()) {
        throw new ConfigException("no verified backup of CA '" + ca + "' in " + store.dir()
            + ": take one with: stepca-recovery backup --ca " + ca);
      }
      return all.get(0);
    }
    return all.stream().filter(b -> b.backupId().equals(idOrLatest)).findFirst().orElseThrow(() ->
        new ConfigException("no backup '" + printable(idOrLatest) + "' of CA '" + ca + "' in " + store.dir()
            + " (list them with: stepca-recovery backups --ca " + ca + ")"));
  }

  /** Operator text goes back to a terminal: no control characters. */
  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
