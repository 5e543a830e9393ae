package io.stepcarecovery.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One embedded run as this host recorded it, for {@code list} once the embedded service is gone:
 * names, times, how it ended and a one-line summary (a backup id, a path, why it failed), never a
 * secret.
 *
 * @param status RUNNING while its process runs it (or until it died: see {@link #pid}), then as
 *     the service names how it ended (COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT)
 * @param closeTime null while running
 * @param pid the process that ran it: a RUNNING record whose process is gone was interrupted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record RunRecord(String workflowId, String type, String ca, String startTime, String closeTime,
    String status, String summary, long pid) {
  /** The status as {@code list} shows it: a run whose process died without saying how it ended. */
  String shownStatus() {
    return status.equals("RUNNING") && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)
        ? "INTERRUPTED" : status;
  }
}
