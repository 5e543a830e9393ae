package io.stepcarecovery.restore;

import java.util.List;

/**
 * A backup that was fetched and verified on the CA host, and where its data goes.
 *
 * @param roots absolute paths the archive restores (each replaced as a whole), each checked to
 *     be one of the CA's own paths on the restoring host
 * @param allowPaths the paths the operator allowed beyond the host's own (--allow-path), so a
 *     later step re-checks the roots against the same allowance; may be null
 * @param reason why the backup was made, from its verified manifest (operator text: shown only
 *     through TerminalText); may be null
 * @param databaseDump the online dump of an SQL CA's database the backup holds (loaded into a
 *     staging database and switched in by the restore), or null (a file database)
 */
public record RestorePlan(
    String backupId,
    String archive,
    String sha256,
    String createdAt,
    String dbType,
    String rootFingerprint,
    List<String> roots,
    long files,
    long bytes,
    List<String> allowPaths,
    String reason,
    DatabaseDump databaseDump) {

  public RestorePlan(String backupId, String archive, String sha256, String createdAt, String dbType,
      String rootFingerprint, List<String> roots, long files, long bytes, List<String> allowPaths, String reason) {
    this(backupId, archive, sha256, createdAt, dbType, rootFingerprint, roots, files, bytes, allowPaths, reason, null);
  }

  public RestorePlan(String backupId, String archive, String sha256, String createdAt, String dbType,
      String rootFingerprint, List<String> roots, long files, long bytes) {
    this(backupId, archive, sha256, createdAt, dbType, rootFingerprint, roots, files, bytes, null, null, null);
  }

  public RestorePlan(String backupId, String archive, String sha256, String createdAt, String dbType,
      String rootFingerprint, List<String> roots, long files, long bytes, List<String> allowPaths) {
    this(backupId, archive, sha256, createdAt, dbType, rootFingerprint, roots, files, bytes, allowPaths, null, null);
  }
}
