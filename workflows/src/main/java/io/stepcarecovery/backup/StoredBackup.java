package io.stepcarecovery.backup;

/**
 * A backup published in the store and verified by re-reading it.
 *
 * @param encryptedTo the OpenPGP fingerprint the archive is encrypted to, or null (clear)
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
    String encryptedTo) {}
