package io.stepcarecovery.drill;

import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.restore.DatabaseDump;
import io.stepcarecovery.restore.DatabaseNames;
import io.stepcarecovery.restore.RestorePlan;
import io.stepcarecovery.restore.SandboxExtract;
import io.stepcarecovery.sqldb.MysqlClient;
import io.stepcarecovery.sqldb.MysqlDsn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A drill of a MySQL CA's backup: its dump loaded into a throwaway database on the CA's own
 * server ({@code DB_drill_<drill>}), which the sandbox step-ca runs on; dropped with the sandbox.
 * The server and credentials are the backup's ca.json's, as the restored CA would use them.
 */
final class SandboxDatabase {
  private static final Logger log = LoggerFactory.getLogger(SandboxDatabase.class);

  private SandboxDatabase() {}

  @FunctionalInterface
  interface Naming {
    /** Called with the database's name before it is made. */
    void named(String database) throws IOException;
  }

  static String load(Path fsRoot, Path caJson, RestorePlan plan, String drillId, Naming naming) throws IOException {
    DatabaseDump dump = plan.databaseDump();
    CaJson.Db db = CaJson.read(caJson).db();
    if (!db.isMysql() || !dump.database().equals(db.database())) {
      throw new UnsafeArchiveException("backup " + plan.backupId() + " holds a dump of database " + dump.database()
          + " but its ca.json names db.type '" + db.type() + "', database " + db.database() + "; refused");
    }
    String name = DatabaseNames.drill(dump.database(), drillId);
    if (name.length() > DatabaseNames.MAX) {
      throw new ConfigException("database name " + dump.database() + " is too long for a drill's copy (" + name
          + ": at most " + DatabaseNames.MAX + " characters)");
    }
    MysqlClient sql = new MysqlClient(MysqlDsn.parse(db.dsn(), "the backup's ca.json db.dataSource"), dump.database());
    naming.named(name);
    Path file = SandboxExtract.mirrored(fsRoot, dump.path());
    long t0 = System.nanoTime();
    int tables = sql.loadFresh(file, dump.sha256(), dump.database(), name, Heartbeat.of("load dump into " + name));
    Files.delete(file); // in the database now; the sandbox need not keep a copy
    log.info("drill {}: dump of backup {} ({} bytes) loaded into {} at {}: {} tables in {} ms", drillId,
        plan.backupId(), dump.bytes(), name, sql.address(), tables, (System.nanoTime() - t0) / 1_000_000);
    return name;
  }

  /**
   * Drops a drill's database, named by its marker (read as hostile: only a name this drill makes is
   * dropped). The server from the sandbox's ca.json, else from production's (the sandbox's files
   * may be gone already).
   */
  static void drop(CaConfig c, Path sandboxDir, String drillId, String database) throws IOException {
    if (!database.endsWith(DatabaseNames.drill("", drillId)) || !database.matches("[A-Za-z0-9_$]{1,64}")) {
      log.warn("drill {}: marker names database {}, not a drill's copy: left alone", drillId, database);
      return;
    }
    Path sandboxJson = null;
    try {
      sandboxJson = SandboxExtract.mirrored(sandboxDir.resolve("fs"), c.caConfig().toString());
    } catch (RuntimeException unmappable) {
      // production's ca.json then
    }
    for (Path json : new Path[] {sandboxJson, c.caConfig()}) {
      if (json == null || !Files.isRegularFile(json, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      CaJson.Db db = CaJson.read(json).db();
      if (db.isMysql()) {
        new MysqlClient(MysqlDsn.parse(db.dsn(), json + " db.dataSource"), database.substring(0,
            database.length() - DatabaseNames.drill("", drillId).length())).query("DROP DATABASE IF EXISTS `" + database + "`;");
        log.info("drill {}: database {} dropped", drillId, database);
        return;
      }
    }
    throw new IOException("drill " + drillId + ": no ca.json names the MySQL server of database " + database
        + "; drop it by hand");
  }
}
