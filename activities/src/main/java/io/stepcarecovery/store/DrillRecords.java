package io.stepcarecovery.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.drill.DrillRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The last drill of each backup, kept beside it in the store ({@code <backupId>.drill.json}).
 * A store may be written by anyone who can write backups: a record is believed only when it is
 * a small plain file whose name, backup id and fields agree, and it can only ever add a backup to
 * what retention keeps, never remove one.
 */
public final class DrillRecords {
  public static final String SUFFIX = ".drill.json";
  private static final long MAX_BYTES = 16 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private DrillRecords() {}

  public static Path file(BackupStore store, String backupId) {
    return store.dir().resolve(backupId + SUFFIX);
  }

  /** Replaces the backup's drill record atomically (temp file in .work, then a rename). */
  public static void write(BackupStore store, DrillRecord record) throws IOException {
    if (record.backupId() == null || !record.backupId().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new StoreException("not a backup id: " + record.backupId(), null);
    }
    Path work = store.dir().resolve(".work");
    Files.createDirectories(work);
    Path tmp = work.resolve(record.backupId() + SUFFIX + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    Files.move(tmp, file(store, record.backupId()), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The backup's last drill, when its record is there and sound. */
  public static Optional<DrillRecord> read(BackupStore store, String backupId) {
    Path f = file(store, backupId);
    try {
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_BYTES) {
        return Optional.empty();
      }
      DrillRecord r = JSON.readValue(Files.readAllBytes(f), DrillRecord.class);
      if (r == null || !backupId.equals(r.backupId()) || r.finishedAt() == null
          || r.rtoMillis() < -1 || r.issuanceMillis() < -1) {
        return Optional.empty();
      }
      java.time.Instant.parse(r.finishedAt());
      return Optional.of(r);
    } catch (IOException | RuntimeException unsound) {
      return Optional.empty();
    }
  }

  /** The newest of {@code newestFirst} whose last drill passed, if any. */
  public static Optional<String> newestPassed(BackupStore store, List<String> newestFirst) {
    return newestFirst.stream().filter(id -> read(store, id).map(DrillRecord::ok).orElse(false)).findFirst();
  }
}
