package io.stepcarecovery.config;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A host:port to bind ({@code 127.0.0.1:80}, {@code [::1]:443}, {@code 0.0.0.0:80}), as the
 * config writes it. The host is bound as given, never resolved through a name service the
 * operator did not ask for beyond the JDK's own lookup of a name.
 */
public record ListenAddress(String host, int port) {
  /** The address, or null when {@code text} is not host:port with a port from 1 to 65535. */
  public static ListenAddress parse(String text) {
    if (text == null || text.isBlank() || text.contains("/") || text.contains("@")) {
      return null;
    }
    try {
      URI u = new URI("tcp://" + text.strip());
      if (u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535 || u.getPath() == null
          || !u.getPath().isEmpty() || u.getQuery() != null || u.getFragment() != null) {
        return null;
      }
      String host = u.getHost();
      return new ListenAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, u.getPort());
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
