package io.stepcarecovery.sqldb;

import io.stepcarecovery.ca.CaJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * bench/mysql-scale's measurements on a CA whose database is MySQL/MariaDB, with the CA running:
 * the project's online dump ({@link MysqlDump}, as a backup makes it), then the restore by hand
 * the README shows — the dump loaded with the {@code mariadb} client, as the CA's own user — into
 * a staging database ({@code STAGING}, dropped after), and the row counts of both compared.
 *
 * <p>Usage: MysqlScale CA_JSON WORK_DIR STAGING. Prints {@code key=value} lines.
 */
public final class MysqlScale {
  private static final Duration QUERY = Duration.ofMinutes(5);
  private static final String COUNTS = "SELECT (SELECT COUNT(*) FROM x509_certs), (SELECT COUNT(*) FROM x509_certs_data),"
      + " (SELECT COUNT(*) FROM used_ott)";

  public static void main(String[] a) throws Exception {
    CaJson.Db db = CaJson.read(Path.of(a[0])).db();
    Path work = Path.of(a[1]);
    String staging = MysqlDsn.database(a[2], "staging");
    MysqlDsn dsn = MysqlDsn.parse(db.dsn(), "ca.json");
    String database = MysqlDsn.database(db.database(), "ca.json");
    Path scratch = Files.createDirectories(work.resolve("scratch"));
    Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx------"));

    String source = one(dsn, database, COUNTS);
    System.out.println("source_counts=" + source.replace('\t', ','));
    System.out.println("source_data_bytes=" + one(dsn, null, "SELECT SUM(data_length + index_length) FROM"
        + " information_schema.tables WHERE table_schema = '" + database + "'"));

    MysqlDump.Result d = MysqlDump.dump(dsn, database, work.resolve("dump.sql"), scratch, n -> { });
    System.out.println("dump_client=" + d.client());
    System.out.println("dump_bytes=" + d.bytes());
    System.out.println("dump_ms=" + d.millis());

    one(dsn, null, "DROP DATABASE IF EXISTS `" + staging + "`; CREATE DATABASE `" + staging + "`");
    long t0 = System.nanoTime();
    load(dsn, staging, d.file(), scratch);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("load_ms=" + loadMs);
    String loaded = one(dsn, staging, COUNTS);
    System.out.println("loaded_counts=" + loaded.replace('\t', ','));
    one(dsn, null, "DROP DATABASE `" + staging + "`");
    Files.delete(d.file());
    if (!loaded.equals(source)) {
      throw new IllegalStateException("the loaded copy has other row counts than the source: " + loaded + " vs " + source);
    }
  }

  /**
   * {@code mariadb --database=STAGING < dump.sql} without the dump's own {@code CREATE DATABASE} and
   * {@code USE} lines (it was made with --databases, which names the source database).
   */
  static void load(MysqlDsn dsn, String staging, Path dump, Path scratch) throws IOException, InterruptedException {
    Path options = Files.createTempFile(scratch, "load-", ".cnf",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Path errors = scratch.resolve("load.err");
    try {
      Files.writeString(options, MysqlDump.optionFile(dsn), StandardCharsets.UTF_8);
      Process p = new ProcessBuilder(List.of(MysqlQuery.client(), "--defaults-extra-file=" + options,
          "--database=" + staging)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(errors.toFile()).start();
      try (BufferedReader in = Files.newBufferedReader(dump, StandardCharsets.UTF_8);
          OutputStream out = p.getOutputStream()) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("CREATE DATABASE ") || line.startsWith("USE `")) {
            continue;
          }
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }
      if (p.waitFor() != 0) {
        throw new IOException("loading the dump failed: " + MysqlDump.redacted(Files.readString(errors), dsn));
      }
    } finally {
      Files.deleteIfExists(options);
      Files.deleteIfExists(errors);
    }
  }

  private static String one(MysqlDsn dsn, String database, String sql) throws IOException {
    MysqlQuery.Result r = MysqlQuery.run(dsn, database, sql, QUERY);
    if (!r.ok()) {
      throw new IOException(sql + ": " + r.error());
    }
    return r.rows().isEmpty() ? "" : r.rows().get(0);
  }
}
