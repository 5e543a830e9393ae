package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dev-server", mixinStandardHelpOptions = true,
    description = {
        "Run Temporal's in-memory test server on a local port, so a worker and the CLI can run as"
            + " separate processes on one machine without Docker:",
        "  stepca-recovery dev-server --port 7233 &",
        "  stepca-recovery worker --config FILE --temporal localhost:7233 &",
        "  stepca-recovery backup --config FILE --temporal localhost:7233",
        "It KEEPS NOTHING across restarts: every workflow, its history and its progress are gone when"
            + " it stops. It has no UI and no schedules. For anything real, run a Temporal cluster."})
final class DevServerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "7233", description = "Port to listen on (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; the server"
          + " has no authentication). 0.0.0.0 listens on every interface.")
  String bind;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    BoundTestServer server;
    try {
      server = BoundTestServer.start(bind, port);
    } catch (java.io.IOException | RuntimeException e) {
      throw new io.stepcarecovery.config.ConfigException("cannot listen on " + bind + ":" + port + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
          + " (choose another with --port, or another address with --bind)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "dev-server-shutdown"));
    spec.commandLine().getOut().println("Temporal dev server (in memory, keeps nothing) listening on "
        + (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port + "; Ctrl-C stops it.");
    spec.commandLine().getOut().flush();
    stopped.await();
    return Main.OK;
  }
}
