package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import io.stepcarecovery.archive.UnsafeArchiveException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Statements and dump loads against a CA's MySQL/MariaDB server with the host's {@code mariadb}
 * (or {@code mysql}) client. As {@link MysqlDump}: the credentials reach the client only through a
 * 0600 option file in a 0700 directory of its own, removed after each call; never its command
 * line or environment (both visible to every user in /proc); statements go on its stdin. Errors
 * carry the server's message with the password removed, and a missing privilege names the GRANT
 * that fixes it.
 */
public final class MysqlClient {
  static final List<String> CLIENTS = List.of("mariadb", "mysql");
  private static final long STATEMENT_TIMEOUT_MILLIS = 10 * 60_000L;
  private static final long LOAD_TIMEOUT_MILLIS = 6 * 3600_000L;
  /** "Access denied for user 'u'@'h' to database 'd'" (1044), "… command denied to user 'u'@'h'" (1142). */
  private static final Pattern USER_AT = Pattern.compile("user '([^']*)'@'([^']*)'");

  private final MysqlDsn dsn;
  private final String database;
  private final String client;

  /** @param database the CA's database: the GRANT a missing privilege needs is named after it */
  public MysqlClient(MysqlDsn dsn, String database) {
    this.dsn = dsn;
    this.database = database;
    this.client = client();
  }

  public String address() {
    return dsn.address();
  }

  /** Runs {@code sql} (statements separated by ';'); the result rows, columns tab-separated. */
  public List<String> query(String sql) throws IOException {
    return run(List.of(), STATEMENT_TIMEOUT_MILLIS, (out, fed) -> out.write(sql.getBytes(StandardCharsets.UTF_8)), n -> {});
  }

  /** The tables of {@code database}; empty when it is missing. */
  public List<String> tables(String database) throws IOException {
    return query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + database
        + "' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME;");
  }

  public boolean exists(String database) throws IOException {
    return !query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + database + "';")
        .isEmpty();
  }

  /** The databases whose names start with {@code prefix} (compared exactly, not as a LIKE pattern). */
  public List<String> databasesStartingWith(String prefix) throws IOException {
    return query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME;").stream()
        .filter(n -> n.startsWith(prefix)).toList();
  }

  /** Feeds a dump, through {@link DumpFilter}, into {@code into}. */
  public void load(InputStream dump, String from, String into, LongConsumer progress) throws IOException {
    run(List.of("--binary-mode", "--database=" + into), LOAD_TIMEOUT_MILLIS,
        (out, fed) -> DumpFilter.copy(dump, out, from, into, fed), progress);
  }

  /**
   * Loads a dump file into {@code into}, made anew (an earlier attempt's copy dropped first), and
   * checks the bytes it streamed against {@code sha256} (the verified manifest's): on any failure
   * {@code into} is dropped again. Returns the tables the dump created (at least one).
   */
  public int loadFresh(Path dump, String sha256, String from, String into, LongConsumer progress) throws IOException {
    query("DROP DATABASE IF EXISTS `" + into + "`; CREATE DATABASE `" + into + "`;");
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      try (InputStream in = new DigestInputStream(Files.newInputStream(dump, LinkOption.NOFOLLOW_LINKS), sha)) {
        load(in, from, into, progress);
      }
      String got = HexFormat.of().formatHex(sha.digest());
      if (!got.equals(sha256)) {
        throw new UnsafeArchiveException("the dump " + dump + " has SHA-256 " + got + ", not the " + sha256
            + " the verified manifest lists: it changed since the verification; refused");
      }
      int tables = tables(into).size();
      if (tables == 0) {
        throw new UnsafeArchiveException("the dump " + dump + " created no table; refused");
      }
      return tables;
    } catch (IOException | RuntimeException e) {
      try {
        query("DROP DATABASE IF EXISTS `" + into + "`;");
      } catch (IOException | RuntimeException dropFailed) {
        e.addSuppressed(dropFailed);
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface Feed {
    void to(OutputStream stdin, LongConsumer fedBytes) throws IOException;
  }

  private List<String> run(List<String> extra, long timeoutMillis, Feed feed, LongConsumer alive) throws IOException {
    try (ClientScratch scratch = ClientScratch.forDsn(dsn, "")) {
      List<String> argv = new ArrayList<>(List.of(client, scratch.defaultsArgument(), "--batch",
          "--skip-column-names", "--raw"));
      argv.addAll(extra);
      Process p = new ProcessBuilder(argv).redirectOutput(scratch.out().toFile()).redirectError(scratch.err().toFile()).start();
      // stdin is fed by a thread of its own, so that this one heartbeats every second even while
      // the server takes its time over one large statement (and a cancellation reaches the load)
      AtomicLong fedBytes = new AtomicLong();
      AtomicReference<Exception> feedFailure = new AtomicReference<>();
      Thread feeder = new Thread(() -> {
        try (OutputStream stdin = p.getOutputStream()) {
          feed.to(stdin, fedBytes::set);
        } catch (IOException | RuntimeException e) {
          feedFailure.set(e);
          if (e instanceof RuntimeException) {
            p.destroyForcibly(); // a refused dump: nothing more of it may reach the server
          }
        }
      }, "mysql-client-feed");
      feeder.setDaemon(true);
      feeder.start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      try {
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
          alive.accept(fedBytes.get());
          if (System.nanoTime() > deadline) {
            throw new IOException(client + " at " + dsn.address() + " did not finish in " + timeoutMillis / 1000 + " s");
          }
        }
        feeder.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(client + " interrupted");
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
      if (feedFailure.get() instanceof RuntimeException refused) {
        throw refused;
      }
      String fed = feedFailure.get() == null ? null : feedFailure.get().getMessage(); // a broken pipe: the client's error says why
      if (p.exitValue() != 0 || fed != null) {
        throw failure(p.exitValue(), Files.readString(scratch.err(), StandardCharsets.UTF_8).strip(), fed);
      }
      return Files.readAllLines(scratch.out(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A missing privilege or a refused login will not heal by retrying: a {@link ConfigException}
   * naming the fix. Anything else (server down, a lost connection) may: an IOException.
   */
  private IOException failure(int exit, String stderr, String fed) {
    String text = MysqlDump.redacted(DsnRedaction.redact(stderr.length() <= 600 ? stderr
        : "…" + stderr.substring(stderr.length() - 600)), dsn);
    String what = client + " at " + dsn.address() + " as " + dsn.user() + " failed (exit " + exit + "): "
        + (text.isEmpty() ? String.valueOf(fed) : text);
    if (text.contains("ERROR 1044") || text.contains("ERROR 1142") || text.contains("ERROR 1227")) {
      Matcher m = USER_AT.matcher(text);
      String account = m.find() ? "'" + m.group(1) + "'@'" + m.group(2) + "'" : "'" + dsn.user() + "'@'<its host>'";
      String escaped = database.replace("_", "\\_");
      throw new ConfigException(what + ". The CA's database user lacks a privilege a restore or drill needs:"
          + " they make databases named after the CA's (" + database + "_restore_…, " + database + "_prev_…, "
          + database + "_drill_…) and move tables between them and " + database + ". As the server's"
          + " administrator run: GRANT ALL PRIVILEGES ON `" + escaped + "\\_%`.* TO " + account
          + "; GRANT ALL PRIVILEGES ON `" + escaped + "`.* TO " + account + ";");
    }
    if (text.contains("ERROR 1045")) {
      throw new ConfigException(what + ". The server refused the CA's database user: check the user and"
          + " password in ca.json's db.dataSource");
    }
    return new IOException(what);
  }

  /** The client binary on PATH; a {@link ConfigException} naming the package when there is none. */
  static String client() {
    return ClientScratch.tool(CLIENTS, "restoring a MySQL CA");
  }
}
