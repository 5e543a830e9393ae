package io.stepcarecovery.backup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The file work of a backup. Runs on the CA host's task queue. */
@ActivityInterface
public interface BackupActivities {
  /**
   * Reads ca.json and checks everything that can be checked before the CA is stopped: the data
   * locations, the db type, the store (writable, not in a git work tree, enough free space).
   */
  @ActivityMethod
  BackupPlan preflight(String ca, boolean configOnly);

  /** Copies the plan's roots into the store's work area. Idempotent; heartbeats progress. */
  @ActivityMethod
  SnapshotReport snapshot(String ca, String backupId, BackupPlan plan);

  /** Writes tar.gz + manifest from the snapshot into the work area. Idempotent; heartbeats. */
  @ActivityMethod
  ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan);

  /**
   * Moves the archive into the store, re-reads and verifies it, then records it as a backup.
   *
   * @param caDowntimeMillis how long the CA was down for this backup, measured by the workflow
   *     from the stop and health activities (0: not stopped), kept in the record for the
   *     downtime metric; null from a run scheduled before this parameter existed
   */
  @ActivityMethod
  StoredBackup publish(String ca, String backupId, ArchiveReport archive, Long caDowntimeMillis);

  /**
   * Keeps the newest {@code keep} verified backups; never deletes the newest one, nor
   * {@code justMade} (the backup this run made, whatever its rank; null in runs from before).
   * A record dated in the future ranks after every real one and is reported.
   */
  @ActivityMethod
  PruneReport prune(String ca, String justMade);

  /** Removes this backup's work area (snapshot and partial archive). Idempotent. */
  @ActivityMethod
  void discardWork(String ca, String backupId);
}
