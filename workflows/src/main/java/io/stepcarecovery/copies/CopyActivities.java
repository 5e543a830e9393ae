package io.stepcarecovery.copies;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Off-host copies of a CA's backups. Runs on the CA host's task queue: the archive and the
 * credentials of the stores are there, and nothing secret passes through a history (only URIs,
 * ids, hashes and one-line errors).
 */
@ActivityInterface
public interface CopyActivities {
  /** The URIs of the CA's configured copies, in config order (empty: none configured). */
  @ActivityMethod
  List<String> copyUris(String ca);

  /**
   * Writes a published backup to one store (archive, its signature, its record last, each
   * under a name nothing lists until it is complete), then reads every byte back. Throws on
   * failure (retried as a passing fault); the workflow turns a final failure into a report.
   */
  @ActivityMethod
  CopyReport copy(String ca, String backupId, String uri);

  /**
   * Makes a backup available in the local store for a restore: from the local store itself when
   * it holds it and {@code from} is null or "local", else from {@code from}, else from the first
   * configured copy that holds it. A fetched archive is checked against its record's SHA-256
   * before it is placed; the restore then verifies it like any local one.
   *
   * @return the store the backup comes from ("local" or a copy's URI) and its id
   */
  @ActivityMethod
  FetchReport fetch(String ca, String backup, String from);
}
