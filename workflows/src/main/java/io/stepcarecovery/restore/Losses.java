package io.stepcarecovery.restore;

import java.util.List;

/**
 * What a restore undid, said plainly for the incident commander: everything the CA recorded
 * after the backup was made is gone from it (ACME accounts, orders, certificates issued,
 * revocations), and what to do about each.
 *
 * @param backupCreatedAt when the backup was made (ISO-8601, as its manifest says)
 * @param backupAgeSeconds how old the backup was when the restored data replaced the live data
 *     (the window whose records are gone); -1 when the backup's time is unreadable
 * @param undone false when the run rolled back (the previous data serves again: nothing lost)
 * @param acmeClients the configured ingresses with an ACME store ({@code acmeJson}), "name on host"
 * @param fixedAcmeClients the configured ACME clients whose account the recovery found stale,
 *     cleared, and saw get a new certificate; filled by the recovery's ingress step (empty until
 *     it checks accounts, and in a restore, which restarts no ingress)
 * @param steps what to do, each step one sentence with its command where there is one
 * @param previousData the replaced data, moved aside on the CA host and still readable
 * @param listCommands run on the CA host: list what the previous data has that the backup lacks
 */
public record Losses(
    String backupId,
    String backupCreatedAt,
    long backupAgeSeconds,
    boolean undone,
    String summary,
    List<String> acmeClients,
    List<String> fixedAcmeClients,
    List<String> steps,
    List<String> previousData,
    List<String> listCommands) {

  /** The same losses, with the configured ACME clients the recovery fixed. */
  public Losses withFixedAcmeClients(List<String> fixed) {
    return new Losses(backupId, backupCreatedAt, backupAgeSeconds, undone, summary, acmeClients, List.copyOf(fixed),
        steps, previousData, listCommands);
  }
}
