package io.stepcarecovery.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.ListenAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;

/**
 * Serves the worker's registry on {@code GET /metrics} in Prometheus' text format, with the
 * JDK's own HTTP server: one endpoint needs no web framework in a process that backs up a CA.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * {@code HOST:PORT}, or a bare port bound to 127.0.0.1: metrics name CAs, hosts and services,
   * which is no one else's business unless the operator binds a wider address on purpose.
   */
  public static ListenAddress parse(String text) {
    String t = text == null ? "" : text.strip();
    ListenAddress a = t.matches("\\d{1,5}") ? ListenAddress.parse("127.0.0.1:" + t) : ListenAddress.parse(t);
    if (a == null) {
      throw new ConfigException("--metrics " + text + ": expected HOST:PORT or PORT (1-65535), e.g."
          + " 127.0.0.1:9464");
    }
    return a;
  }

  public static MetricsEndpoint start(ListenAddress address, PrometheusMeterRegistry registry) {
    HttpServer server;
    try {
      server = HttpServer.create(address.socketAddress(), 0);
    } catch (BindException e) {
      throw new ConfigException("--metrics " + address + ": cannot listen there (" + e.getMessage()
          + "): another process holds the port, or the address is not this host's; pick another"
          + " with --metrics HOST:PORT");
    } catch (IOException e) {
      throw new ConfigException("--metrics " + address + ": cannot listen there: " + e.getMessage());
    }
    server.createContext("/metrics", exchange -> serve(exchange, registry));
    server.start();
    return new MetricsEndpoint(server);
  }

  /** The port actually bound (the one asked, or the one the system picked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
