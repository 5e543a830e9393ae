package io.stepcarecovery.restore;

import java.util.List;

/**
 * Input of the restore and recovery workflows: names only.
 * {@code {"ca":"main","backup":"latest"}}.
 *
 * @param backup a backup id, or "latest" (the default)
 * @param rollback put the previous data back if validation fails (default true)
 * @param approval wait for an approve/abort signal before the destructive part (default false)
 * @param allowForeignRoot restore an archive whose root differs from the configured trust
 *     anchor (default false: that is the runbook's "wrong data directory restored")
 * @param clearAcmeAccount recovery only: clear the ingress's stored ACME account before its
 *     restart (default false)
 * @param workerDeadlineSeconds how long to wait for a worker on the CA host before giving up
 *     (default 60), before anything is touched
 * @param allowPaths absolute paths beyond the restoring host's own ($STEPPATH and what its live
 *     ca.json names) that the restore may write: for a new host whose ca.json is gone and whose
 *     CA keeps data outside $STEPPATH (default none)
 * @param evenIfHealthy recovery only: go ahead although the CA answers /health and an ACME
 *     new-nonce (default false: a recovery of a serving CA is refused before anything changes)
 * @param approvalTimeoutSeconds how long the approval gate waits before the run ends with
 *     nothing changed (default 3600)
 * @param expect the CA as the starting side's config describes it; when given, the run refuses
 *     before anything changes if the worker's config describes it otherwise (default none)
 * @param from the store to restore from: "local" or an off-host copy's URI (default: the first
 *     store that holds the backup, local first)
 */
public record RestoreRequest(String ca, String backup, Boolean rollback, Boolean approval,
    Boolean allowForeignRoot, Boolean clearAcmeAccount, Integer workerDeadlineSeconds,
    List<String> allowPaths, Boolean evenIfHealthy, Integer approvalTimeoutSeconds,
    io.stepcarecovery.ca.CaView expect, String from) {
  public static final int DEFAULT_APPROVAL_TIMEOUT_SECONDS = 3600;

  public RestoreRequest(String ca, String backup, Boolean rollback, Boolean approval,
      Boolean allowForeignRoot, Boolean clearAcmeAccount, Integer workerDeadlineSeconds,
      List<String> allowPaths, Boolean evenIfHealthy, Integer approvalTimeoutSeconds,
      io.stepcarecovery.ca.CaView expect) {
    this(ca, backup, rollback, approval, allowForeignRoot, clearAcmeAccount, workerDeadlineSeconds,
        allowPaths, evenIfHealthy, approvalTimeoutSeconds, expect, null);
  }

  public RestoreRequest(String ca, String backup) {
    this(ca, backup, null, null, null, null, null, null);
  }

  public RestoreRequest(String ca, String backup, Boolean rollback, Boolean approval,
      Boolean allowForeignRoot, Boolean clearAcmeAccount, Integer workerDeadlineSeconds,
      List<String> allowPaths) {
    this(ca, backup, rollback, approval, allowForeignRoot, clearAcmeAccount, workerDeadlineSeconds,
        allowPaths, null, null, null);
  }

  public boolean refusesHealthy() {
    return !Boolean.TRUE.equals(evenIfHealthy);
  }

  public int approvalTimeoutOrDefault() {
    return approvalTimeoutSeconds == null || approvalTimeoutSeconds <= 0 ? DEFAULT_APPROVAL_TIMEOUT_SECONDS
        : approvalTimeoutSeconds;
  }

  public RestoreRequest(String ca, String backup, Boolean rollback, Boolean approval,
      Boolean allowForeignRoot, Boolean clearAcmeAccount) {
    this(ca, backup, rollback, approval, allowForeignRoot, clearAcmeAccount, null, null);
  }

  public RestoreRequest(String ca, String backup, Boolean rollback, Boolean approval,
      Boolean allowForeignRoot, Boolean clearAcmeAccount, Integer workerDeadlineSeconds) {
    this(ca, backup, rollback, approval, allowForeignRoot, clearAcmeAccount, workerDeadlineSeconds, null);
  }

  public List<String> allowedPaths() {
    return allowPaths == null ? List.of() : allowPaths;
  }

  public boolean clearsAcmeAccount() {
    return Boolean.TRUE.equals(clearAcmeAccount);
  }

  /**
   * The backup to restore: "latest" only when none was named. A blank name is passed on as it is,
   * so the lookup on the CA host refuses it (any Temporal client's typo must not restore the
   * newest backup).
   */
  public String backupOrLatest() {
    return backup == null ? "latest" : backup;
  }

  public boolean rollbackOnFailure() {
    return rollback == null || rollback;
  }

  public boolean needsApproval() {
    return Boolean.TRUE.equals(approval);
  }

  public boolean foreignRootAllowed() {
    return Boolean.TRUE.equals(allowForeignRoot);
  }
}
