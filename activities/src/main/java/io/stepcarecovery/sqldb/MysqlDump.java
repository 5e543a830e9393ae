package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A consistent online dump of step-ca's MySQL/MariaDB database with the host's client tools:
 * {@code mariadb-dump --single-transaction} (one InnoDB snapshot, no table locks, so step-ca keeps
 * issuing). The credentials reach the client through a 0600 option file
 * ({@code --defaults-extra-file}), never its command line (visible in /proc to every user).
 */
public final class MysqlDump {
  /** The client binaries tried in order: MariaDB's name, then MySQL's. */
  static final List<String> CLIENTS = List.of("mariadb-dump", "mysqldump");
  private static final long TIMEOUT_MILLIS = 6 * 3600_000L;

  private MysqlDump() {}

  public record Result(Path file, long bytes, long millis, String client) {}

  /**
   * Dumps {@code database} into {@code target} (0600). {@code scratch} holds the option file for
   * the dump's duration only. {@code progress} receives the dump's size as it grows.
   */
  public static Result dump(MysqlDsn dsn, String database, Path target, Path scratch, LongConsumer progress)
      throws IOException {
    String client = client();
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    Path options = Files.createTempFile(scratch, "client-", ".cnf",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Path errors = scratch.resolve("dump-" + database + ".err");
    long t0 = System.nanoTime();
    try {
      Files.writeString(options, optionFile(dsn), StandardCharsets.UTF_8);
      List<String> argv = new ArrayList<>(List.of(client, "--defaults-extra-file=" + options,
          // consistent snapshot without locking step-ca out; binary columns hex-encoded so the dump
          // loads back byte for byte with the plain `mariadb` client
          "--single-transaction", "--hex-blob", "--no-tablespaces", "--skip-comments",
          "--result-file=" + target, "--databases", database));
      Process p = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(errors.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
      try {
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
          progress.accept(Files.exists(target) ? Files.size(target) : 0);
          if (System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IOException(client + " of database " + database + " did not finish in "
                + TIMEOUT_MILLIS / 3600_000 + " h");
          }
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(client + " interrupted");
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
      if (p.exitValue() != 0) {
        throw new ConfigException(client + " of database " + database + " at " + dsn.address() + " as "
            + dsn.user() + " failed (exit " + p.exitValue() + "): " + redacted(tail(errors), dsn));
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      long bytes = Files.size(target);
      progress.accept(bytes);
      return new Result(target, bytes, (System.nanoTime() - t0) / 1_000_000, client);
    } finally {
      Files.deleteIfExists(options);
      Files.deleteIfExists(errors);
    }
  }

  /**
   * The {@code [client]} group: the password double-quoted with backslash escapes (option files
   * unescape {@code \\} and {@code \"} inside quotes), so any printable password survives.
   */
  static String optionFile(MysqlDsn dsn) {
    StringBuilder s = new StringBuilder("[client]\n");
    s.append("user=").append(dsn.user()).append('\n');
    if (dsn.password() != null) {
      s.append("password=\"").append(dsn.password().replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
    }
    if (dsn.socket() != null) {
      s.append("socket=").append(dsn.socket()).append("\nprotocol=socket\n");
    } else {
      s.append("host=").append(dsn.host()).append("\nport=").append(dsn.port()).append("\nprotocol=tcp\n");
    }
    // the DSN's ?tls=/?timeout= as the client takes them (validated values only)
    dsn.clientOptions().forEach(o -> s.append(o).append('\n'));
    return s.toString();
  }

  /** The dump client on PATH; a {@link ConfigException} naming the package when there is none. */
  public static String client() {
    return ClientScratch.tool(CLIENTS, "the online backup of a MySQL CA");
  }

  private static String tail(Path errors) {
    try {
      String s = Files.readString(errors, StandardCharsets.UTF_8).strip();
      return s.length() <= 400 ? s : "…" + s.substring(s.length() - 400);
    } catch (IOException e) {
      return "(no error output)";
    }
  }

  /** The client never prints the password, but a message passes through here anyway. */
  static String redacted(String text, MysqlDsn dsn) {
    return dsn.password() == null || dsn.password().isEmpty() ? text
        : text.replace(dsn.password(), "[redacted]");
  }
}
