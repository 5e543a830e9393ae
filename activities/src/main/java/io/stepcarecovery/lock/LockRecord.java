package io.stepcarecovery.lock;

/**
 * The content of a CA's run lock (JSON): who holds the CA, so that the next run can tell a live
 * holder from one that is gone.
 *
 * @param workflowId the run's workflow id
 * @param pid the process that took it: the CA host's worker, or the CLI of an embedded run
 * @param processStart that process's start time ({@link ProcessIdentity})
 * @param host the host name of that process
 * @param createdAt when it was taken (ISO-8601, this host's clock)
 * @param temporal the Temporal address the run lives on, {@code "embedded"} when the run lives
 *     inside process {@code pid}, or null when unknown
 */
public record LockRecord(String workflowId, long pid, String processStart, String host,
    String createdAt, String temporal) {

  public boolean embedded() {
    return "embedded".equals(temporal);
  }

  /** How an operator looks at the holding run. */
  public String howToCheck() {
    if (embedded()) {
      return "it is an embedded run inside process " + pid + " on " + host
          + " (ps -p " + pid + "); it ends with that process";
    }
    return "stepca-recovery status " + workflowId + " --temporal "
        + (temporal == null ? "HOST:PORT" : temporal);
  }

  public String describe() {
    return "run " + workflowId + " (process " + pid + " on " + host + ", since " + createdAt + ")";
  }
}
