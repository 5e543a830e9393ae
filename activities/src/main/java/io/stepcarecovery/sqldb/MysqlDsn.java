package io.stepcarecovery.sqldb;

import io.stepcarecovery.config.ConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Go MySQL driver DSN ({@code user:password@tcp(host:port)/?params}, as step-ca's
 * ca.json {@code db.dataSource} holds it) that the MariaDB client tools need. ca.json is read as
 * hostile input: every part that reaches a client's option file or command line is validated, and
 * no message ever carries the DSN or the password.
 *
 * <p>The DSN's parameters ({@code ?tls=true&parseTime=true}, go-sql-driver syntax) are kept as
 * written, in order; {@link #clientOptions()} maps the two that change how a client connects
 * ({@code tls}, {@code timeout}) to option-file lines. The others tune the Go driver inside
 * step-ca (parseTime, charset, collation, loc, readTimeout, writeTimeout, allowNativePasswords,
 * interpolateParams, ...) or set session variables for its queries: a dump or a check needs none
 * of them, so they are kept but not passed on.
 *
 * @param socket the unix socket path for {@code unix(...)} addresses (host and port then null)
 * @param params the DSN's parameters after '?', unescaped, in order (empty when there are none)
 */
public record MysqlDsn(String user, String password, String host, Integer port, String socket,
    Map<String, String> params) {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.$-]{1,80}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern SOCKET = Pattern.compile("/[A-Za-z0-9._/@+=,-]{1,255}");
  /** What {@code mariadb-dump --databases} receives: a plain name, never an option. */
  private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$]{1,64}");

  /** go-sql-driver's {@code tls} values; a custom name needs a Go program that registered it (step-ca does not). */
  private static final List<String> TLS_VALUES = List.of("true", "false", "skip-verify", "preferred");
  /** A Go duration as go-sql-driver's {@code timeout} takes it (the forms seen in DSNs). */
  private static final Pattern GO_DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m|h)");

  public MysqlDsn {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** Without parameters. */
  public MysqlDsn(String user, String password, String host, Integer port, String socket) {
    this(user, password, host, port, socket, Map.of());
  }

  /** Parses as go-sql-driver/mysql does: the last '/' ends the address, the last '@' before it ends the credentials. */
  public static MysqlDsn parse(String dsn, String where) {
    if (dsn == null || dsn.isEmpty()) {
      throw bad(where, "db.dataSource is missing");
    }
    int slash = dsn.lastIndexOf('/');
    if (slash < 0) {
      throw bad(where, "db.dataSource has no '/' (expected user:password@tcp(host:port)/)");
    }
    Map<String, String> params = params(dsn.substring(slash + 1), where);
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
      return new MysqlDsn(user, password, "127.0.0.1", 3306, null, params);
    }
    if (address.startsWith("unix(") && address.endsWith(")")) {
      String sock = address.substring(5, address.length() - 1);
      if (!SOCKET.matcher(sock).matches() || sock.contains("/../")) {
        throw bad(where, "db.dataSource's unix socket path is not a plain absolute path");
      }
      return new MysqlDsn(user, password, null, null, sock, params);
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
        port, null, params);
  }

  /**
   * The part after the address's '/': an optional database name (step-ca ignores it and uses
   * db.database), then {@code ?k=v&k=v}. Values are URL-unescaped as the Go driver does.
   */
  private static Map<String, String> params(String tail, String where) {
    int q = tail.indexOf('?');
    Map<String, String> out = new LinkedHashMap<>();
    if (q < 0) {
      return out;
    }
    for (String pair : tail.substring(q + 1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value;
      try {
        value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw bad(where, "db.dataSource's parameter " + safeKey(key) + " has a malformed %-escape");
      }
      if (!key.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw bad(where, "db.dataSource has a parameter whose name is not [A-Za-z0-9_.-]");
      }
      if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw bad(where, "db.dataSource's parameter " + key + " has control characters");
      }
      out.put(key, value);
    }
    String tls = out.get("tls");
    if (tls != null && !TLS_VALUES.contains(tls)) {
      throw bad(where, "db.dataSource's tls parameter must be one of " + TLS_VALUES
          + " (a custom TLS config name needs a program that registered it; step-ca registers none)");
    }
    String timeout = out.get("timeout");
    if (timeout != null && !GO_DURATION.matcher(timeout).matches()) {
      throw bad(where, "db.dataSource's timeout parameter is not a duration like 5s, 500ms or 1m");
    }
    return out;
  }

  private static String safeKey(String key) {
    return key.matches("[A-Za-z0-9_.-]{1,64}") ? key : "(unnamed)";
  }

  /**
   * Option-file lines (group {@code [client]}) for the DSN's connection parameters, as the MariaDB
   * client tools (10.11, checked against the lab's server) and MySQL's take them:
   * <ul>
   *   <li>{@code tls=true}: TLS with the server certificate verified ({@code ssl},
   *       {@code ssl-verify-server-cert}; MySQL: {@code ssl-mode=VERIFY_IDENTITY}); a server without
   *       TLS is refused (ERROR 2026), as the Go driver refuses it
   *   <li>{@code tls=skip-verify}: TLS, certificate not verified ({@code ssl},
   *       {@code skip-ssl-verify-server-cert}; MySQL: {@code ssl-mode=REQUIRED}). The MariaDB 10.11
   *       client cannot insist on TLS without verifying: it uses TLS whenever the server offers it
   *       and falls back to plain text otherwise, where the Go driver would refuse
   *   <li>{@code tls=false}: no TLS ({@code skip-ssl}; MySQL: {@code ssl-mode=DISABLED})
   *   <li>{@code tls=preferred}: nothing, the client's default (MariaDB 10.11's {@code ssl} is on:
   *       TLS when the server offers it)
   *   <li>{@code timeout=5s}: {@code connect-timeout=5} (whole seconds, at least 1)
   * </ul>
   * Every TLS line carries the {@code loose-} prefix: a client that does not know an option (MariaDB's
   * tools and {@code ssl-mode}, MySQL 8's and {@code ssl}) warns and goes on instead of refusing the file.
   */
  public List<String> clientOptions() {
    List<String> lines = new ArrayList<>();
    String tls = params.get("tls");
    if ("true".equals(tls)) {
      lines.addAll(List.of("loose-ssl", "loose-ssl-verify-server-cert", "loose-ssl-mode=VERIFY_IDENTITY"));
    } else if ("skip-verify".equals(tls)) {
      lines.addAll(List.of("loose-ssl", "loose-skip-ssl-verify-server-cert", "loose-ssl-mode=REQUIRED"));
    } else if ("false".equals(tls)) {
      lines.addAll(List.of("loose-skip-ssl", "loose-ssl-mode=DISABLED"));
    }
    String timeout = params.get("timeout");
    if (timeout != null) {
      Matcher m = GO_DURATION.matcher(timeout);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        long seconds = switch (m.group(2)) {
          case "ms" -> (n + 999) / 1000;
          case "m" -> n * 60;
          case "h" -> n * 3600;
          default -> n;
        };
        lines.add("connect-timeout=" + Math.max(1, seconds));
      }
    }
    return lines;
  }

  /** The parameters no client option stands for (kept in {@link #params}, not passed on). */
  public List<String> ignoredParams() {
    return params.keySet().stream().filter(k -> !k.equals("tls") && !k.equals("timeout")).toList();
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
    return "MysqlDsn[user=" + user + ", address=" + address() + ", password=" + (password == null ? "none" : "[redacted]")
        + (params.isEmpty() ? "" : ", params=" + params.keySet()) + "]";
  }

  private static ConfigException bad(String where, String what) {
    return new ConfigException(where + ": " + what + " (the DSN is not quoted here: it holds the database password)");
  }
}
