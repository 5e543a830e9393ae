package io.stepcarecovery.backup;

import java.util.List;

/**
 * A backup published in the store and verified by re-reading it.
 *
 * @param archive in a record on disk ({@code <id>.json}): the archive's file name, beside the
 *     record (records from before stores were portable hold an absolute path, of which only the
 *     file name counts). As the store returns it: that file's path in the store as mounted here.
 * @param roots the absolute paths its archive restores, as its manifest says (null in records
 *     written before this field existed). Only a hint: a restore still takes the roots from the
 *     manifest it verified, and uses this to extract during that same read when they agree.
 * @param encryptedTo the OpenPGP fingerprint the archive is encrypted to, or null (clear)
 * @param signedBy the OpenPGP fingerprint of the key that signed the archive ({@code <archive>.sig}),
 *     or null (unsigned). Information only: a restore trusts the signature it checks, not this.
 * @param dump for an online backup of a CA on MySQL: the database dump inside the archive, as its
 *     manifest lists it; null for file-only backups (and records written before this field)
 * @param caDowntimeMillis how long the CA was down for this backup (stop requested until
 *     {@code /health} answered again; 0 when it was not stopped: an online MySQL dump, or a CA
 *     that was already down), or null (records from before, fetched or restic-listed ones). Kept
 *     in the record so a restarted worker exports the last backup's downtime as before.
 */
public record StoredBackup(
    String backupId,
    String ca,
    String archive,
    String sha256,
    long sizeBytes,
    String createdAt,
    String reason,
    String dbType,
    String rootFingerprint,
    String intermediateFingerprint,
    List<String> roots,
    String encryptedTo,
    String signedBy,
    DatabaseDump dump,
    Long caDowntimeMillis) {

  /**
   * The dump member of an online backup: its tar member name ({@code tar -xzf ARCHIVE -C /} puts it
   * at {@code /member}), size and SHA-256 from the manifest. Load it by hand with {@code mariadb < FILE}.
   */
  public record DatabaseDump(String member, long sizeBytes, String sha256) {}

  /** A file-only backup whose downtime is not known (and records written before these fields). */
  public StoredBackup(String backupId, String ca, String archive, String sha256, long sizeBytes,
      String createdAt, String reason, String dbType, String rootFingerprint,
      String intermediateFingerprint, List<String> roots, String encryptedTo, String signedBy) {
    this(backupId, ca, archive, sha256, sizeBytes, createdAt, reason, dbType, rootFingerprint,
        intermediateFingerprint, roots, encryptedTo, signedBy, null, null);
  }

  /** An unsigned backup (and records written before signatures existed). */
  public StoredBackup(String backupId, String ca, String archive, String sha256, long sizeBytes,
      String createdAt, String reason, String dbType, String rootFingerprint,
      String intermediateFingerprint, List<String> roots, String encryptedTo) {
    this(backupId, ca, archive, sha256, sizeBytes, createdAt, reason, dbType, rootFingerprint,
        intermediateFingerprint, roots, encryptedTo, null);
  }
}
