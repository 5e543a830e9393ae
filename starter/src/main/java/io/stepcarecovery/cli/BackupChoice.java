package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The backup a restore or recovery names, checked before any workflow starts: an empty name is
 * refused, and where the store is readable from here (embedded mode, a shared mount) an id it
 * does not hold is refused too — a usage error (exit 2), not a run that fails on the CA host.
 * Where the store is not readable from here, the CA host's lookup refuses it without retrying.
 */
final class BackupChoice {
  private BackupChoice() {}

  /** @param local the store is this machine's (embedded mode: the CLI's host is the CA host) */
  static void check(CaConfig ca, String backup, boolean local) {
    check(ca, backup, local, null);
  }

  /**
   * @param from the store --from names, or null. A backup the local store lacks may be in an
   *     off-host copy: with copies configured (or --from), the CA host's fetch decides, and says
   *     which stores it asked.
   */
  static void check(CaConfig ca, String backup, boolean local, String from) {
    if (backup == null || backup.isBlank()) {
      throw new ConfigException("--backup is empty: give a backup id or 'latest' (list them with:"
          + " stepca-recovery backups --ca " + ca.name() + ")");
    }
    if (from != null && !from.equals("local")) {
      if (io.stepcarecovery.copies.OffsiteStores.named(ca, from).isEmpty()) {
        throw new ConfigException("--from " + from + ": CA " + ca.name() + " has no such store; its stores: local"
            + (io.stepcarecovery.copies.OffsiteStores.uris(ca).isEmpty() ? ""
                : ", " + String.join(", ", io.stepcarecovery.copies.OffsiteStores.uris(ca))));
      }
      return;
    }
    if (from == null && !ca.backups().copiesOrEmpty().isEmpty()) {
      return;
    }
    Path dir = ca.backups().store().resolve(ca.name());
    if (local || Files.isDirectory(dir) && Files.isReadable(dir)) {
      BackupLookup.find(new BackupStore(ca.backups().store(), ca.name()), ca.name(), backup);
    }
  }
}
