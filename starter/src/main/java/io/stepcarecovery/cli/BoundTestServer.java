package io.stepcarecovery.cli;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's in-memory test server on one address. {@code TestServer.createPortBoundServer} does
 * the same wiring (its services, their health checks) but listens on every interface, which for
 * a server with no authentication and every run's history is a surprise on a shared host.
 */
final class BoundTestServer implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;

  private BoundTestServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /** Time skipping locked: a dev server runs on real time, like a cluster. */
  static BoundTestServer start(String host, int port) throws IOException {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    try {
      ServerBuilder<?> builder = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(new InetSocketAddress(host, port),
          InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      return new BoundTestServer(services, builder.build().start());
    } catch (IOException | RuntimeException e) {
      services.close();
      throw e;
    }
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
