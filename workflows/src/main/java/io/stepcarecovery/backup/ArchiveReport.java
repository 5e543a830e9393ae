package io.stepcarecovery.backup;

/**
 * An archive written to the store's work area, not yet published.
 *
 * @param encryptedTo the OpenPGP fingerprint it is encrypted to, or null when stored in clear
 * @param signedBy the OpenPGP fingerprint of the key that signed it (the signature lies beside
 *     the partial archive, {@code <partial>.sig}), or null when unsigned
 */
public record ArchiveReport(String partialPath, String sha256, long sizeBytes, long files, long millis,
    String encryptedTo, String signedBy) {

  public ArchiveReport(String partialPath, String sha256, long sizeBytes, long files, long millis,
      String encryptedTo) {
    this(partialPath, sha256, sizeBytes, files, millis, encryptedTo, null);
  }
}
