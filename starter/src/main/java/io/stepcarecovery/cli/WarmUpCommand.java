package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.testserver.TestServer;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.restore.RestoreRequest;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * Hidden: loads the classes a run loads (config, embedded Temporal and workers, a gRPC client of a
 * Temporal service, JSON output) and changes nothing, so that {@code ./stepca-recovery} can record
 * a class-data-sharing archive once per jar ({@code -XX:ArchiveClassesAtExit}). Every later JVM
 * maps those classes instead of loading them from the 60 MB jar: about half of a command's
 * start-up.
 */
@Command(name = "cds-warm-up", hidden = true)
final class WarmUpCommand implements Callable<Integer> {
  /**
   * A restore of the empty store, in the embedded service: it fails at its first host step (no
   * backup), after the worker ran a workflow task, a local activity, activities and the progress
   * query. Those are the classes a break-glass run loads before its first step shows (about a
   * second of class loading, cold); a run that does not end within 20 s is ended.
   */
  private static void runOnce(TemporalSession embedded) {
    WorkflowStub run = embedded.client().newUntypedWorkflowStub("RestoreWorkflow", WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId("cds-warm-up").build());
    try {
      run.start(new RestoreRequest("warm", "latest"));
      try {
        run.query("progress", Step[].class);
      } catch (RuntimeException notYet) {
        // only its classes were wanted
      }
      run.getResult(20, TimeUnit.SECONDS, Object.class);
    } catch (TimeoutException e) {
      run.terminate("warm-up");
    } catch (RuntimeException expected) {
      // the restore of an empty store fails: that is the warm-up
    }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("stepca-recovery-warm-up");
    try {
      Files.createDirectories(dir.resolve("step/config"));
      Files.writeString(dir.resolve("step/config/ca.json"), "{}");
      Files.writeString(dir.resolve("root.crt"), "");
      Files.writeString(dir.resolve("pass"), "");
      Path yaml = dir.resolve("config.yaml");
      Files.writeString(yaml, String.join("\n",
          "lockDir: " + dir.resolve("run"),
          "cas:",
          "  - name: warm",
          "    host: localhost",
          "    caConfig: " + dir.resolve("step/config/ca.json"),
          "    url: https://127.0.0.1:1",
          "    rootCert: " + dir.resolve("root.crt"),
          "    service: { type: command, start: 'true', stop: 'true', status: 'true' }",
          "    acme: { provisioner: acme }",
          "    issuance: { provisioner: admin, passwordFile: " + dir.resolve("pass") + ", subject: warm.internal }",
          "    backups: { store: " + dir.resolve("backups") + ", keep: 1 }",
          ""));
      StepcaRecoveryConfig config = ConfigLoader.load(yaml);
      try (TemporalSession embedded = TemporalSession.embedded(config)) {
        runOnce(embedded);
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
      try (TemporalSession remote = TemporalSession.connect(config, "127.0.0.1:" + port)) {
        remote.client().getOptions();
      } finally {
        server.close();
      }
      Output.JSON.writeValueAsString(Output.JSON.createObjectNode().put("ok", true));
      return Main.OK;
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
