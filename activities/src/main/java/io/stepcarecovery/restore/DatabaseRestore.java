package io.stepcarecovery.restore;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.sqldb.MysqlClient;
import io.stepcarecovery.sqldb.MysqlDsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of restoring a CA on MySQL/MariaDB. MariaDB has no RENAME DATABASE, so the
 * switch moves tables: {@code RENAME TABLE} of every table of the CA's database {@code DB} into
 * {@code DB_prev_<tag>} and of every staged table into {@code DB}, as one statement, which the
 * server applies as a whole or not at all (a worker killed during it leaves either state, never a
 * mix). Each step looks at which tables are where before it acts, so it can run again:
 * <ul>
 *   <li>load: drops its own staging database and a dead run's, loads the dump again (unless its
 *       marker says this run already did)
 *   <li>switch: staging emptied and DB holding tables means it is done
 *   <li>switch back: DB_prev emptied means it is done
 * </ul>
 * Nothing of the live database is deleted: DB_prev_* and DB_failed_* are kept and named in the
 * result, like the moved-aside directories; only a staging database (a copy of a backup) is ever
 * dropped.
 */
final class DatabaseRestore {
  private static final Logger log = LoggerFactory.getLogger(DatabaseRestore.class);
  /** Beside the staged dump once it is loaded: a retried load after the dump copy is gone knows. */
  static final String LOADED = ".loaded";

  private final CaConfig c;
  private final RestorePlan plan;
  private final String tag;
  private final DatabaseDump dump;

  DatabaseRestore(CaConfig c, RestorePlan plan, String tag) {
    if (plan.databaseDump() == null) {
      throw new ConfigException("backup " + plan.backupId() + " holds no database dump");
    }
    if (DatabaseNames.failed(plan.databaseDump().database(), tag).length() > DatabaseNames.MAX) {
      throw new ConfigException("database name " + plan.databaseDump().database() + " is too long for the"
          + " restore's staging names (" + DatabaseNames.failed(plan.databaseDump().database(), tag)
          + ": at most " + DatabaseNames.MAX + " characters); restore the dump by hand (README)");
    }
    this.c = c;
    this.plan = plan;
    this.tag = tag;
    this.dump = plan.databaseDump();
  }

  private List<Path> roots() {
    return plan.roots().stream().map(Path::of).toList();
  }

  /** Where the staged copy of an archived path lies, or null when no root holds it. */
  private Path beside(String path, BiFunction<Path, String, Path> dir) {
    Path p = Path.of(path).normalize();
    for (Path root : roots()) {
      if (p.startsWith(root)) {
        return dir.apply(root, tag).resolve(root.relativize(p).toString());
      }
    }
    return null;
  }

  /**
   * The server, user and credentials the load used: the host's own ca.json, wherever the file swap
   * has it now (moved aside while the restored files are in place, live before the swap and after
   * its rollback); the backup's only on a host that had none. The load checked that both name the
   * same server, user and database; the host's password may be newer than the backup's.
   */
  private MysqlClient client() {
    List<Path> candidates = new ArrayList<>();
    Path aside = beside(c.caConfig().toString(), RestoreDirs::preRestore);
    if (aside != null) {
      candidates.add(aside);
    }
    candidates.add(c.caConfig());
    for (BiFunction<Path, String, Path> dir : List.<BiFunction<Path, String, Path>>of(RestoreDirs::staging,
        RestoreDirs::failedRestore)) {
      Path p = beside(c.caConfig().toString(), dir);
      if (p != null) {
        candidates.add(p);
      }
    }
    for (Path p : candidates) {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      CaJson.Db db = CaJson.read(p).db();
      if (db.isMysql() && dump.database().equals(db.database())) {
        return new MysqlClient(MysqlDsn.parse(db.dsn(), p + " db.dataSource"), dump.database());
      }
    }
    throw new ConfigException("no ca.json of CA '" + c.name() + "' names the database " + dump.database()
        + " on MySQL (looked at " + candidates + ")");
  }

  DatabaseStaging load(LongConsumer progress) throws IOException {
    String database = dump.database();
    Path stagedJson = beside(c.caConfig().toString(), RestoreDirs::staging);
    Path stagedDump = beside(dump.path(), RestoreDirs::staging);
    if (stagedJson == null || stagedDump == null) {
      throw new UnsafeArchiveException("backup " + plan.backupId() + " restores neither " + c.caConfig() + " nor "
          + dump.path() + " under its roots " + plan.roots() + "; refused");
    }
    CaJson.Db restored = CaJson.read(stagedJson).db();
    if (!restored.isMysql() || !database.equals(restored.database())) {
      throw new UnsafeArchiveException("backup " + plan.backupId() + " holds a dump of database " + database
          + " but its ca.json names db.type '" + restored.type() + "', database " + restored.database() + "; refused");
    }
    MysqlDsn restoredDsn = MysqlDsn.parse(restored.dsn(), "the backup's ca.json db.dataSource");
    MysqlDsn dsn = restoredDsn;
    if (Files.isRegularFile(c.caConfig())) {
      CaJson.Db live = CaJson.read(c.caConfig()).db();
      if (live.isMysql()) {
        MysqlDsn liveDsn = MysqlDsn.parse(live.dsn(), c.caConfig() + " db.dataSource");
        if (!liveDsn.address().equals(restoredDsn.address()) || !liveDsn.user().equals(restoredDsn.user())
            || !database.equals(live.database())) {
          throw new ConfigException("backup " + plan.backupId() + " puts the CA's database at " + restoredDsn.address()
              + " as " + restoredDsn.user() + ", database " + database + ", but " + c.caConfig() + " has it at "
              + liveDsn.address() + " as " + liveDsn.user() + ", database " + live.database() + ": the restore would"
              + " switch a database the CA does not use now; restore it by hand (README) or make ca.json agree");
        }
        dsn = liveDsn; // the host's credentials, which may be newer than the backup's
      }
    }
    MysqlClient sql = new MysqlClient(dsn, database);
    String staging = DatabaseNames.staging(database, tag);
    dropStaleStaging(sql, database, staging);
    Path marker = stagedDump.resolveSibling(stagedDump.getFileName() + LOADED);
    if (Files.exists(marker) && !sql.tables(staging).isEmpty()) {
      List<String> tables = sql.tables(staging);
      log.info("dump of backup {} already loaded into {} at {} ({} tables)", plan.backupId(), staging, sql.address(),
          tables.size());
      return new DatabaseStaging(sql.address(), database, staging, tables.size(), dump.bytes(), 0);
    }
    if (!Files.isRegularFile(stagedDump, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the staged dump " + stagedDump + " is missing: stage the backup again");
    }
    long t0 = System.nanoTime();
    int tables = sql.loadFresh(stagedDump, dump.sha256(), database, staging, progress);
    Files.writeString(marker, "loaded into " + staging + " at " + sql.address() + "\n");
    Files.delete(stagedDump); // the archive keeps it; the restored STEPPATH need not carry a copy
    long ms = (System.nanoTime() - t0) / 1_000_000;
    log.info("dump of backup {} ({} bytes) loaded into {} at {}: {} tables in {} ms (CA still running on {})",
        plan.backupId(), dump.bytes(), staging, sql.address(), tables, ms, database);
    return new DatabaseStaging(sql.address(), database, staging, tables, dump.bytes(), ms);
  }

  /**
   * A dead run's staging database is a copy of a backup: this run holds the CA's lock, so no
   * other restore uses one. Only names a restore makes ({@code DB_restore_<tag>}) are dropped.
   */
  private static void dropStaleStaging(MysqlClient sql, String database, String own) throws IOException {
    String prefix = database + "_restore_";
    for (String stale : sql.databasesStartingWith(prefix)) {
      if (!stale.equals(own) && stale.substring(prefix.length()).matches(DatabaseNames.RUN)) {
        log.warn("dropping staging database {} of a restore that did not finish (a copy of a backup)", stale);
        sql.query("DROP DATABASE IF EXISTS `" + stale + "`;");
      }
    }
    List<String> kept = new ArrayList<>(sql.databasesStartingWith(database + "_prev_"));
    kept.addAll(sql.databasesStartingWith(database + "_failed_"));
    if (!kept.isEmpty()) {
      log.info("kept from earlier restores (never dropped by this tool; drop them when no longer needed): {}", kept);
    }
  }

  DatabaseSwitch switchIn() throws IOException {
    MysqlClient sql = client();
    String database = dump.database();
    String staging = DatabaseNames.staging(database, tag);
    String prev = DatabaseNames.previous(database, tag);
    List<String> staged = sql.tables(staging);
    List<String> live = sql.tables(database);
    List<String> kept = sql.tables(prev);
    if (staged.isEmpty()) {
      if (live.isEmpty()) {
        throw new IOException("nothing staged in " + staging + " at " + sql.address() + " and " + database
            + " holds no table: the dump was not loaded");
      }
      // an earlier attempt switched (one statement: all or nothing)
      dropEmpty(sql, staging);
      return new DatabaseSwitch(sql.address(), database, kept.isEmpty() ? null : prev, live);
    }
    if (!kept.isEmpty() && !live.isEmpty()) {
      throw new ConfigException(prev + " and " + database + " at " + sql.address() + " both hold tables while "
          + staging + " is still staged: not a state this restore leaves; look at them by hand");
    }
    StringBuilder s = new StringBuilder("CREATE DATABASE IF NOT EXISTS `" + database + "`;");
    List<String> pairs = new ArrayList<>();
    if (!live.isEmpty()) {
      s.append("CREATE DATABASE IF NOT EXISTS `").append(prev).append("`;");
      live.forEach(t -> pairs.add(move(database, prev, t)));
    }
    staged.forEach(t -> pairs.add(move(staging, database, t)));
    s.append("RENAME TABLE ").append(String.join(", ", pairs)).append(';');
    sql.query(s.toString());
    dropEmpty(sql, staging);
    log.info("CA {}: database {} at {} switched to the restored tables ({}); previous tables {}", c.name(), database,
        sql.address(), staged.size(), live.isEmpty() ? "none (nothing to keep)" : "kept in " + prev);
    return new DatabaseSwitch(sql.address(), database, live.isEmpty() ? null : prev, staged);
  }

  DatabaseSwitch switchBack() throws IOException {
    MysqlClient sql = client();
    String database = dump.database();
    String prev = DatabaseNames.previous(database, tag);
    String failed = DatabaseNames.failed(database, tag);
    List<String> kept = sql.tables(prev);
    List<String> live = sql.tables(database);
    List<String> aside = sql.tables(failed);
    if (kept.isEmpty() && !sql.tables(DatabaseNames.staging(database, tag)).isEmpty()) {
      // never switched (the switch failed or did not run): the CA's database is its own still
      return new DatabaseSwitch(sql.address(), database, null, live);
    }
    if (kept.isEmpty() && !aside.isEmpty()) {
      dropEmpty(sql, prev);
      return new DatabaseSwitch(sql.address(), database, failed, live); // done by an earlier attempt
    }
    if (kept.isEmpty() && live.isEmpty()) {
      return new DatabaseSwitch(sql.address(), database, null, live);
    }
    if (!aside.isEmpty()) {
      throw new ConfigException(failed + " at " + sql.address() + " already holds tables while " + prev
          + " is not back: not a state this restore leaves; look at them by hand");
    }
    // the restored tables aside, the previous ones (none when the database was missing) back
    List<String> pairs = new ArrayList<>();
    live.forEach(t -> pairs.add(move(database, failed, t)));
    kept.forEach(t -> pairs.add(move(prev, database, t)));
    sql.query("CREATE DATABASE IF NOT EXISTS `" + failed + "`; CREATE DATABASE IF NOT EXISTS `" + database
        + "`; RENAME TABLE " + String.join(", ", pairs) + ";");
    dropEmpty(sql, prev);
    log.info("CA {}: database {} at {} rolled back ({} previous tables back); the restored tables kept in {}",
        c.name(), database, sql.address(), kept.size(), failed);
    return new DatabaseSwitch(sql.address(), database, live.isEmpty() ? null : failed, kept);
  }

  void discardStaging() throws IOException {
    MysqlClient sql = client();
    String staging = DatabaseNames.staging(dump.database(), tag);
    sql.query("DROP DATABASE IF EXISTS `" + staging + "`;");
  }

  private static String move(String from, String to, String table) {
    return "`" + from + "`.`" + table.replace("`", "``") + "` TO `" + to + "`.`" + table.replace("`", "``") + "`";
  }

  /** Drops a database this run made only once it holds nothing (never one with a table in it). */
  private static void dropEmpty(MysqlClient sql, String database) throws IOException {
    if (sql.exists(database) && sql.tables(database).isEmpty()) {
      sql.query("DROP DATABASE IF EXISTS `" + database + "`;");
    }
  }
}
