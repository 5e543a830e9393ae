package io.stepcarecovery.restore;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The database side of restoring a CA on MySQL/MariaDB, on the CA host, with the host's client
 * tools and the credentials of the CA's ca.json (never a workflow input). Each method may run
 * again after a worker died in it: the databases it works on are named after the run
 * ({@link DatabaseNames}) and each call first looks at which tables are where.
 */
@ActivityInterface
public interface DatabaseRestoreActivities {
  /**
   * While the CA runs: loads the backup's staged dump into {@code DB_restore_<tag>} on the CA's
   * database server (dropping its own earlier attempt and a dead run's staging database first),
   * checking the dump's SHA-256 again as it streams.
   */
  @ActivityMethod
  DatabaseStaging loadDump(String ca, RestorePlan plan, String tag);

  /**
   * CA stopped: moves every table of the CA's database to {@code DB_prev_<tag>} and every staged
   * table into the CA's database, in one atomic RENAME TABLE; then drops the emptied staging
   * database. A missing CA database (DROP DATABASE) is created; nothing is kept then.
   */
  @ActivityMethod
  DatabaseSwitch switchDatabaseIn(String ca, RestorePlan plan, String tag);

  /**
   * Rollback, CA stopped: the restored tables to {@code DB_failed_<tag>}, the previous ones back
   * into the CA's database, in one RENAME TABLE. Nothing to do when already done.
   */
  @ActivityMethod
  DatabaseSwitch switchDatabaseBack(String ca, RestorePlan plan, String tag);

  /** Drops this run's staging database (a copy of the backup, never live data), if any. */
  @ActivityMethod
  void dropStagingDatabase(String ca, RestorePlan plan, String tag);
}
