package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.util.regex.Pattern;

/**
 * The parts of a Go MySQL driver DSN ({@code user:password@tcp(host:port)/?params}, as step-ca's
 * ca.json {@code db.dataSource} holds it) that the MariaDB client tools need. ca.json is read as
 * hostile input: every part that reaches a client's option file or command line is validated, and
 * no message ever carries the DSN or the password.
 *
 * @param socket the unix socket path for {@code unix(...)} addresses (host and port then null)
 */
public record MysqlDsn(String user, String password, String host, Integer port, String socket) {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.$-]{1,80}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern SOCKET = Pattern.compile("/[A-Za-z0-9._/@+=,-]{1,255}");
  /** What {@code mariadb-dump --databases} receives: a plain name, never an option. */
  private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$]{1,64}");

  /** Parses as go-sql-driver/mysql does: the last '/' ends the address, the last '@' before it ends the credentials. */
  public static MysqlDsn parse(String dsn, String where) {
    if (dsn == null || dsn.isEmpty()) {
      throw bad(where, "db.dataSource is missing");
    }
    int slash = dsn.lastIndexOf('/');
    if (slash < 0) {
      throw bad(where, "db.dataSource has no '/' (expected user:password@tcp(host:port)/)");
    }
    String head = dsn.substring(0, slash);
    int at = head.lastIndexOf('@');
    String creds = at < 0 ? "" : head.substring(0, at);
    String address = head.substring(at + 1);
    int colon = creds.indexOf(':');
    String user = colon < 0 ? creds : creds.substring(0, colon);
    String password = colon < 0 ? null : creds.substring(colon + 1);
    if (!USER.matcher(user).matches()) {
      throw bad(where, "db.dataSource's user name is empty or has characters other than [A-Za-z0-9_.$-]");
    }
    if (password != null && password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw bad(where, "db.dataSource's password has control characters");
    }
    if (address.isEmpty()) {
      return new MysqlDsn(user, password, "127.0.0.1", 3306, null);
    }
    if (address.startsWith("unix(") && address.endsWith(")")) {
      String sock = address.substring(5, address.length() - 1);
      if (!SOCKET.matcher(sock).matches() || sock.contains("/../")) {
        throw bad(where, "db.dataSource's unix socket path is not a plain absolute path");
      }
      return new MysqlDsn(user, password, null, null, sock);
    }
    if (!address.startsWith("tcp(") || !address.endsWith(")")) {
      throw bad(where, "db.dataSource's address must be tcp(host:port) or unix(/path)");
    }
    String hostPort = address.substring(4, address.length() - 1);
    int portAt = hostPort.lastIndexOf(':');
    String host = portAt < 0 ? hostPort : hostPort.substring(0, portAt);
    int port = 3306;
    if (portAt >= 0 && !hostPort.endsWith("]")) {
      String p = hostPort.substring(portAt + 1);
      if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
        throw bad(where, "db.dataSource's port is not a number from 1 to 65535");
      }
      port = Integer.parseInt(p);
    } else {
      host = hostPort;
    }
    if (!HOST.matcher(host).matches() || host.startsWith("-")) {
      throw bad(where, "db.dataSource's host is not a host name or an IP address");
    }
    return new MysqlDsn(user, password, host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
        port, null);
  }

  /** ca.json's {@code db.database}, checked before it goes on a client's command line. */
  public static String database(String name, String where) {
    if (name == null || !DATABASE.matcher(name).matches()) {
      throw bad(where, "db.database is missing or not a plain name ([A-Za-z0-9_$], at most 64)");
    }
    return name;
  }

  /** The address for messages: never the password. */
  public String address() {
    return socket != null ? "unix(" + socket + ")" : host + ":" + port;
  }

  @Override
  public String toString() {
    return "MysqlDsn[user=" + user + ", address=" + address() + ", password=" + (password == null ? "none" : "[redacted]") + "]";
  }

  private static ConfigException bad(String where, String what) {
    return new ConfigException(where + ": " + what + " (the DSN is not quoted here: it holds the database password)");
  }
}
