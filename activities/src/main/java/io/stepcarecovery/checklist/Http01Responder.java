package io.stepcarecovery.checklist;

import com.sun.net.httpserver.HttpServer;
import io.stepcarecovery.config.ListenAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * http-01 (RFC 8555 section 8.3): serves exactly {@code /.well-known/acme-challenge/<token>} with
 * the key authorization, 404 for anything else. The key authorization is the token and the
 * account key's thumbprint (public), never the key.
 */
final class Http01Responder implements ChallengeResponder {
  static final String PREFIX = "/.well-known/acme-challenge/";
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicInteger answered = new AtomicInteger();

  private Http01Responder(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  static Http01Responder start(ListenAddress listen, String token, String keyAuthorization) throws IOException {
    HttpServer server = HttpServer.create(listen.socketAddress(), 8);
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "acme-check-http-01");
      t.setDaemon(true);
      return t;
    });
    Http01Responder responder = new Http01Responder(server, threads);
    byte[] body = keyAuthorization.getBytes(StandardCharsets.US_ASCII);
    String path = PREFIX + token;
    server.createContext("/", exchange -> {
      try {
        boolean ours = "GET".equals(exchange.getRequestMethod()) && path.equals(exchange.getRequestURI().getPath());
        if (!ours) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        // Counted before the answer leaves: whoever reads the count after the CA decided sees it.
        responder.answered.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(threads);
    server.start();
    return responder;
  }

  @Override
  public int answered() {
    return answered.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
