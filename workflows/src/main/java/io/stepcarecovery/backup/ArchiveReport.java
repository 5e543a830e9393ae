package io.stepcarecovery.backup;

/**
 * An archive written to the store's work area, not yet published.
 *
 * @param encryptedTo the OpenPGP fingerprint it is encrypted to, or null when stored in clear
 */
public record ArchiveReport(String partialPath, String sha256, long sizeBytes, long files, long millis,
    String encryptedTo) {}
