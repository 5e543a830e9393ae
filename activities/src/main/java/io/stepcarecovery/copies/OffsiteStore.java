package io.stepcarecovery.copies;

import io.stepcarecovery.backup.StoredBackup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One off-host store of one CA's backups, named by a URI ({@code sftp://user@host:port/path},
 * {@code s3://bucket/prefix} or {@code s3+http://endpoint/bucket/prefix}, {@code restic:REPO}).
 *
 * <p>tar.gz stores lay a backup out as the local store does ({@code <ca>/<id>.tar.gz[.gpg]},
 * {@code .sig}, {@code <id>.json}): the record is written last and a backup counts only when its
 * record and archive are both complete, so an interrupted upload never lists. Encrypted and
 * signed archives are stored as they are.
 *
 * <p>Implementations: {@link SftpStore}, {@link S3Store}, and the restic one. Opened by
 * {@link OffsiteStores#open}; not thread-safe; close after use.
 */
public interface OffsiteStore extends AutoCloseable {
  /** The store's URI: what reports, {@code backups} and {@code --from} name it by. Never a secret. */
  String uri();

  /**
   * Writes a backup that the local store published, then reads every byte back and compares it
   * with what was sent. Never leaves a partial backup that lists. Overwrites an earlier,
   * interrupted attempt at the same backup.
   *
   * @return verified, or throws: {@link CopyException} for a refusal that will not heal by
   *     retrying (host key mismatch, a corrupt read-back), {@link IOException} for anything else
   */
  CopyReport put(LocalBackup backup, LongConsumer progress) throws IOException;

  /** Reads every byte of one stored backup back and checks it against its record (check --read-data). */
  CopyReport verify(String backupId, LongConsumer progress) throws IOException;

  /** The complete backups this store holds for the CA, newest first. */
  List<StoredBackup> list() throws IOException;

  /** The complete backup {@code backupId} this store holds, or a refusal naming the store. */
  default StoredBackup listed(String backupId) throws IOException {
    return list().stream().filter(x -> x.backupId().equals(backupId)).findFirst()
        .orElseThrow(() -> new CopyException(uri() + " holds no complete backup " + backupId));
  }

  /**
   * Downloads a backup into {@code dir} as the local store lays it out: the archive (and its
   * signature) under their stored names, plus {@code <id>.json}; checks the archive's SHA-256
   * against the record. The caller verifies the archive as it would a local one before trusting it.
   *
   * @return the record, its {@code archive} the downloaded file's path
   */
  StoredBackup fetch(String backupId, Path dir, LongConsumer progress) throws IOException;

  /** Removes a backup (record first, so it stops listing before its archive goes). Retention. */
  void delete(String backupId) throws IOException;

  @Override
  void close();
}
