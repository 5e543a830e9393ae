package io.stepcarecovery.restore;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.encryption.RecipientKey;
import io.stepcarecovery.signing.BackupSignature;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code stepca-recovery check}: re-reads stored backups the way {@code restic check} does, and
 * never writes. Without reading the data: each record is one the store lists, its archive is
 * there with the size it was stored with, and its signature and recipient are those this host
 * requires. With {@code readData}: every byte goes through the same verifying read a restore
 * makes ({@link BackupVerifier}), so what passes here is what a restore would accept.
 */
public final class StoredBackupCheck {
  /** One backup's verdict; {@code problem} is null when it passed. */
  public record Result(String backupId, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  private StoredBackupCheck() {}

  /**
   * @param backup a backup id, or "all" (also reports records the store cannot list: an archive
   *     missing beside its record, a record that does not parse)
   */
  public static List<Result> check(CaConfig c, String backup, boolean readData) {
    BackupStore store = new BackupStore(c.backups().store(), c.name());
    List<Result> results = new ArrayList<>();
    if (backup == null || backup.equals("all")) {
      List<StoredBackup> listed = store.list();
      for (StoredBackup b : listed) {
        results.add(one(c, b, readData));
      }
      Set<String> ids = listed.stream().map(StoredBackup::backupId).collect(Collectors.toSet());
      for (String unlisted : recordNames(store.dir())) {
        if (!ids.contains(unlisted)) {
          results.add(new Result(unlisted, "its record " + store.dir().resolve(unlisted + ".json")
              + " is unreadable or has no archive beside it: it cannot be restored"));
        }
      }
      return results;
    }
    results.add(one(c, BackupLookup.find(store, c.name(), backup), readData));
    return results;
  }

  private static Result one(CaConfig c, StoredBackup b, boolean readData) {
    try {
      Path archive = Path.of(b.archive());
      if (readData) {
        // the restore's own verification, up to and including where its files would go
        BackupVerifier.verify(c, c.name(), b.backupId(), false, List.of());
        return new Result(b.backupId(), null);
      }
      long size = Files.size(archive);
      if (size != b.sizeBytes()) {
        return new Result(b.backupId(), "its archive " + archive + " has " + size + " bytes but was stored"
            + " with " + b.sizeBytes() + ": it changed on disk since");
      }
      RecipientKey recipient = BackupEncryption.recipient(c.backups());
      if (recipient != null && b.encryptedTo() != null) {
        recipient.checkRecipientOf(archive);
      }
      BackupSignature.check(c.backups(), archive, "backup " + b.backupId() + " (" + archive + ")", n -> {});
      return new Result(b.backupId(), null);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException config && !readData) {
        throw config; // this host's config is wrong, not the backup
      }
      String m = e.getMessage() == null ? e.toString() : e.getMessage();
      return new Result(b.backupId(), m);
    }
  }

  private static List<String> recordNames(Path dir) {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return names;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          String f = p.getFileName().toString();
          names.add(f.substring(0, f.length() - ".json".length()));
        }
      }
    } catch (IOException e) {
      throw new io.stepcarecovery.store.StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return names;
  }
}
