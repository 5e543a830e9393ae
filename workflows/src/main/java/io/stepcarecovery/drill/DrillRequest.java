package io.stepcarecovery.drill;

/**
 * Input of {@link DrillWorkflow}: names, never secrets, so any Temporal client (a Temporal
 * Schedule, the CLI) can type it: {@code {"ca":"main","backup":"latest"}}.
 *
 * @param ca the CA's name in the worker's config
 * @param backup a backup id, or "latest" (the default)
 * @param from an off-host copy to fetch the backup from (a URI the store's copies understand);
 *     null: the CA's own store
 * @param workerDeadlineSeconds how long to wait for a worker on the drill host before giving up
 *     (default 60)
 */
public record DrillRequest(String ca, String backup, String from, Integer workerDeadlineSeconds) {
  public DrillRequest(String ca, String backup) {
    this(ca, backup, null, null);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public String backupOrLatest() {
    return backup == null || backup.isBlank() ? "latest" : backup;
  }
}
