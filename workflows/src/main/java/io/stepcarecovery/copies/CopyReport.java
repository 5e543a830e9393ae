package io.stepcarecovery.copies;

/**
 * What one off-host copy of a backup came to: {@code backup --json}'s {@code copies[]} entry.
 *
 * @param uri the store, as {@code OffsiteStore.uri()} names it (sftp://, s3://, s3+http(s)://, restic:)
 * @param verified written and read back: every byte's SHA-256 matched (tar.gz copies), or the
 *     snapshot's files matched the manifest (restic)
 * @param error why it is not verified, one line; null when verified
 * @param sha256 tar.gz copies: the SHA-256 of the bytes read back; null for restic
 * @param snapshot restic copies: the snapshot id; null for tar.gz copies
 */
public record CopyReport(String uri, boolean verified, String error, String sha256, String snapshot) {
  public static CopyReport failed(String uri, String error) {
    return new CopyReport(uri, false, error, null, null);
  }
}
