package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup workflow with the CA in a container, stopped and started through a real Docker
 * Engine API (Podman's) by docker-java. Temporal is its test server.
 */
@Tag("container")
class BackupDockerTest {
  @TempDir Path tmp;

  @Test
  void backupOfAContainerisedCaStopsAndStartsTheContainerThroughTheEngineApi() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"), true)) {
      StepcaRecoveryConfig config = lab.config();
      assertEquals("docker", config.ca("lab").service().type());
      String podman = "podman --url " + lab.env("DOCKER_HOST") + " inspect -f '{{.State.StartedAt}}' "
          + lab.env("CONTAINER");
      String startedBefore = LabCa.run(List.of("bash", "-c", podman), 30).strip();

      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      try {
        Workers.register(env.getWorkerFactory(), config, config.hosts());
        env.start();
        BackupResult r = env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED).build())
            .backup(new BackupRequest("lab", "docker backend"));

        assertTrue(r.caWasRunning());
        assertEquals(r.sha256(), BackupWorkflowTest.sha256(Path.of(r.archive())));
        ArchiveReader.Verified v = ArchiveReader.verify(Path.of(r.archive()));
        assertTrue(v.manifest().files().stream().anyMatch(f -> f.path().equals(lab.caJson().toString())));
        assertTrue(v.manifest().files().stream().anyMatch(f -> f.path().endsWith("/db/MANIFEST")));
      } finally {
        env.close();
      }
      String startedAfter = LabCa.run(List.of("bash", "-c", podman), 30).strip();
      assertNotEquals(startedBefore, startedAfter, "the container was stopped and started again");
      assertTrue(lab.healthy(), "the containerised CA answers /health after the backup");
    }
  }
}
