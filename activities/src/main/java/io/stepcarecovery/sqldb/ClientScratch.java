package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * What one run of a MySQL client tool needs on disk, and nothing longer than the run: a directory
 * of its own (0700) holding the {@code [client]} option file (0600; the password reaches the tool
 * only this way, never its command line or environment) and its captured output. Closing removes
 * it all, whatever the run did.
 */
final class ClientScratch implements AutoCloseable {
  private final Path dir;
  private final Path options;
  private final Path out;
  private final Path err;

  private ClientScratch(Path dir) {
    this.dir = dir;
    this.options = dir.resolve("client.cnf");
    this.out = dir.resolve("out");
    this.err = dir.resolve("err");
  }

  /** {@code extraLines}: more option lines after the DSN's own (e.g. a default connect timeout). */
  static ClientScratch forDsn(MysqlDsn dsn, String extraLines) throws IOException {
    ClientScratch s = new ClientScratch(Files.createTempDirectory("stepca-recovery-sql-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    try {
      Files.writeString(Files.createFile(s.options,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
          MysqlDump.optionFile(dsn) + extraLines, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The argument that points the tool at the option file: always its first one. */
  String defaultsArgument() {
    return "--defaults-extra-file=" + options;
  }

  Path out() {
    return out;
  }

  Path err() {
    return err;
  }

  @Override
  public void close() throws IOException {
    for (Path f : List.of(options, out, err, dir)) {
      Files.deleteIfExists(f);
    }
  }

  /**
   * The first of {@code names} on this host's PATH (MariaDB's name first, then MySQL's); a
   * {@link ConfigException} naming the Debian package when there is none.
   */
  static String tool(List<String> names, String neededFor) {
    for (String c : names) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, c))) {
          return c;
        }
      }
    }
    throw new ConfigException("neither " + String.join(" nor ", names) + " is on this host's PATH: " + neededFor
        + " needs the client tools (Debian: apt-get install mariadb-client)");
  }
}
