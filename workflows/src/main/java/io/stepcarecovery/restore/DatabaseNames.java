package io.stepcarecovery.restore;

import java.util.Locale;

/**
 * The databases a restore or a drill of an SQL CA makes beside the CA's own database {@code DB}
 * on the same server, named after the run so that every step can be repeated and a dead run's
 * leftovers are recognised by name (MariaDB has no RENAME DATABASE: tables move between them):
 * <ul>
 *   <li>{@code DB_restore_<tag>}: the dump loaded while the CA still runs; emptied by the switch
 *       and then dropped; a dead run's is dropped by the next restore (it is a copy of a backup)
 *   <li>{@code DB_prev_<tag>}: the live tables the switch moved aside (never dropped by this tool)
 *   <li>{@code DB_failed_<tag>}: the restored tables a rollback moved aside (never dropped either)
 *   <li>{@code DB_drill_<drill>}: a drill's throwaway copy, dropped when the drill ends
 * </ul>
 * Pure and deterministic: the workflow names them for the approver, the activities act on them.
 */
public final class DatabaseNames {
  /** MySQL's and MariaDB's limit on a database name. */
  public static final int MAX = 64;
  /** A restore's run part: its tag (yyyyMMdd'T'HHmmss'Z') in lower case. */
  public static final String RUN = "[0-9]{8}t[0-9]{6}z";

  private DatabaseNames() {}

  public static String staging(String database, String tag) {
    return database + "_restore_" + run(tag);
  }

  public static String previous(String database, String tag) {
    return database + "_prev_" + run(tag);
  }

  public static String failed(String database, String tag) {
    return database + "_failed_" + run(tag);
  }

  /** A drill's copy: {@code drill-20261130T023825Z-1a2b3c4d} → {@code DB_drill_20261130t023825z_1a2b3c4d}. */
  public static String drill(String database, String drillId) {
    return database + "_drill_" + drillId.substring("drill-".length()).toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /** How the result names a database it kept: a database, not a path. */
  public static String shown(String database) {
    return "database " + database;
  }

  private static String run(String tag) {
    return tag.toLowerCase(Locale.ROOT);
  }
}
