package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A short query with the host's {@code mariadb}/{@code mysql} client, as step-ca's own user (the
 * DSN from ca.json): what the checklist's database item asks. Same rules as {@link MysqlDump}: the
 * credentials reach the client through a 0600 option file in a 0700 directory of its own, deleted
 * afterwards, never its command line; the client's error text is redacted before it is returned.
 */
public final class MysqlQuery {
  static final List<String> CLIENTS = List.of("mariadb", "mysql");
  /** When the DSN names no timeout: a check must not hang on a silently dropped connection. */
  static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final Pattern ERROR = Pattern.compile("ERROR (\\d{4})");

  private MysqlQuery() {}

  /**
   * @param rows the output lines (tab-separated columns, no header) when the client succeeded
   * @param error the client's error output, one line, password and DSN credentials redacted
   */
  public record Result(int exit, List<String> rows, String error) {
    public boolean ok() {
      return exit == 0;
    }

    /** The server's or client's error number (1045 access denied, 1049 unknown database, 2002/2003 cannot connect); 0 if none. */
    public int errorCode() {
      Matcher m = ERROR.matcher(error == null ? "" : error);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
  }

  /**
   * Runs {@code sql} (trusted text: no value from ca.json but the already validated database name)
   * with {@code database} as the default database (null: none).
   */
  public static Result run(MysqlDsn dsn, String database, String sql, Duration timeout) throws IOException {
    String client = client();
    String timeoutLine = dsn.params().containsKey("timeout") ? "" : "connect-timeout=" + CONNECT_TIMEOUT_SECONDS + "\n";
    try (ClientScratch scratch = ClientScratch.forDsn(dsn, timeoutLine)) {
      List<String> argv = new java.util.ArrayList<>(List.of(client, scratch.defaultsArgument(),
          "--batch", "--skip-column-names"));
      if (database != null) {
        argv.add("--database=" + MysqlDsn.database(database, "database"));
      }
      argv.addAll(List.of("-e", sql));
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(scratch.out().toFile()).redirectError(scratch.err().toFile()).start();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Result(-1, List.of(), client + " did not answer within " + timeout.toSeconds() + " s");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(client + " interrupted");
      }
      List<String> rows = Files.readAllLines(scratch.out(), StandardCharsets.UTF_8);
      String error = Files.readString(scratch.err(), StandardCharsets.UTF_8).lines()
          // MariaDB's tools warn about MySQL's loose- options in the file: not an error
          .filter(l -> !l.startsWith("Warning: ") || !l.contains("unknown variable 'loose-"))
          .reduce((a, b) -> a + " " + b).orElse("").strip();
      return new Result(p.exitValue(), p.exitValue() == 0 ? rows : List.of(),
          DsnRedaction.redact(MysqlDump.redacted(error, dsn)));
    }
  }

  /** The client on PATH; a {@link ConfigException} naming the package when there is none. */
  public static String client() {
    return ClientScratch.tool(CLIENTS, "checking a MySQL CA's database");
  }
}
