package io.stepcarecovery.backup;

/**
 * Input of {@link BackupWorkflow}: names, never secrets, so any Temporal client can type it:
 * {@code {"ca":"main","reason":"before upgrade to 0.28"}}.
 *
 * @param ca the CA's name in the worker's config
 * @param reason free text recorded in the manifest and shown in the UI
 * @param configOnly for CAs on mysql/postgresql: archive config, certs and secrets alone,
 *     acknowledging that the external database is not covered
 * @param workerDeadlineSeconds how long to wait for a worker on the CA host before giving up
 *     (default 60), before anything is stopped
 * @param expect the CA as the starting side's config describes it; when given, the backup refuses
 *     before anything is stopped if the worker's config describes it otherwise (default none)
 */
public record BackupRequest(String ca, String reason, Boolean configOnly, Integer workerDeadlineSeconds,
    io.stepcarecovery.ca.CaView expect) {
  public BackupRequest(String ca, String reason) {
    this(ca, reason, null, null, null);
  }

  public BackupRequest(String ca, String reason, Boolean configOnly, Integer workerDeadlineSeconds) {
    this(ca, reason, configOnly, workerDeadlineSeconds, null);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isConfigOnly() {
    return Boolean.TRUE.equals(configOnly);
  }
}
