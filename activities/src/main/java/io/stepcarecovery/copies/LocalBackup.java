package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import java.nio.file.Path;

/**
 * A backup as the local store holds it, for an {@link OffsiteStore} to copy.
 *
 * @param record the verified record ({@code archive}: the file's path here)
 * @param archive the stored archive ({@code <id>.tar.gz} or {@code .tar.gz.gpg})
 * @param signature its detached signature ({@code <archive>.sig}), or null when unsigned
 * @param recordFile the record as stored ({@code <id>.json}, names the archive by file name)
 * @param snapshot the snapshot directory the archive was made from, while the backup's work area
 *     still exists (restic copies it); null when gone
 * @param manifest the manifest as written ({@code manifest.json} with every file's SHA-256), or null
 */
public record LocalBackup(StoredBackup record, Path archive, Path signature, Path recordFile, Path snapshot,
    Path manifest) {
  public String backupId() {
    return record.backupId();
  }

  public String ca() {
    return record.ca();
  }
}
