package io.stepcarecovery.restore;

import java.util.List;

/**
 * A backup that was fetched and verified on the CA host, and where its data goes.
 *
 * @param roots absolute paths the archive restores (each replaced as a whole)
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
    long bytes) {}
