package io.stepcarecovery.copies;

/**
 * Where a restore's backup came from.
 *
 * @param source "local", or the URI of the copy it was fetched from
 * @param backupId the backup's id ("latest" resolved)
 */
public record FetchReport(String source, String backupId) {
  public static final String LOCAL = "local";
}
