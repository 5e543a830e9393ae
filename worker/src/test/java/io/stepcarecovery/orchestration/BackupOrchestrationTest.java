package io.stepcarecovery.orchestration;

import static io.stepcarecovery.orchestration.FakePlatform.CA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backup workflow's decisions with every activity in memory ({@link FakePlatform}): the CA is
 * down only around the snapshot, and whatever fails after the stop, it is started again and the
 * lock is given back. BackupWorkflowTest runs the same workflow against the real lab.
 */
@Timeout(60)
class BackupOrchestrationTest {
  FakePlatform fake;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    fake = new FakePlatform();
    env = FakePlatform.environment(fake);
  }

  @AfterEach
  void down() {
    env.close();
  }

  private BackupWorkflow stub(String id) {
    return env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id).setWorkflowExecutionTimeout(Duration.ofHours(2)).build());
  }

  private List<String> steps() {
    return fake.calls.stream().filter(c -> !c.equals("awaitHealthy")).toList();
  }

  @Test
  void theCaIsDownOnlyAroundTheSnapshot() {
    BackupResult r = stub("backup-order").backup(new BackupRequest(CA, "test", null, null));
    assertEquals(List.of("preflight", "lockCa", "stopCa", "snapshot", "startCa", "archive", "publish", "prune",
        "discardWork", "unlockCa"), steps());
    assertTrue(r.caWasRunning());
    assertTrue(fake.running);
    assertNull(fake.lockedBy);
  }

  @Test
  void aFailedSnapshotStillStartsTheCaAndReleasesTheLock() {
    fake.failing.add("snapshot");
    assertThrows(WorkflowFailedException.class, () -> stub("backup-snapshot-fails").backup(
        new BackupRequest(CA, "test", null, null)));
    List<String> s = steps();
    assertEquals(List.of("preflight", "lockCa", "stopCa", "snapshot", "startCa"), s.subList(0, 5), s.toString());
    assertTrue(s.contains("unlockCa"), s.toString());
    assertTrue(fake.running, "the CA stopped for the backup runs again");
    assertNull(fake.lockedBy);
  }

  @Test
  void aFailedPreflightNeverStopsTheCa() {
    fake.failing.add("preflight");
    assertThrows(WorkflowFailedException.class, () -> stub("backup-preflight-fails").backup(
        new BackupRequest(CA, "test", null, null)));
    assertTrue(fake.calls.stream().noneMatch(c -> c.equals("stopCa")), fake.calls.toString());
    assertTrue(fake.running);
  }

  @Test
  void aCommandWhoseConfigMeansAnotherCaIsRefusedBeforeAnythingStops() {
    io.stepcarecovery.ca.CaView lab5 = new io.stepcarecovery.ca.CaView(CA, "/srv/step/config/ca.json",
        "https://ca.internal:9000", "/backups-lab5");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> stub("backup-mismatch").backup(
        new BackupRequest(CA, "test", null, null, lab5)));
    String m = io.stepcarecovery.Failures.rootMessage(e);
    assertTrue(m.contains("worker: caConfig /srv/step/config/ca.json, url https://ca.internal:9000, store /backups;")
        && m.contains("command: caConfig /srv/step/config/ca.json, url https://ca.internal:9000, store /backups-lab5"), m);
    assertEquals(List.of("view"), steps(), "nothing but the comparison ran");
    assertTrue(fake.running);
    assertNull(fake.lockedBy);
  }

  @Test
  void theSameViewOnBothSidesBacksUp() {
    BackupResult r = stub("backup-same").backup(new BackupRequest(CA, "test", null, null, fake.view));
    assertEquals("view", steps().get(0));
    assertTrue(r.caWasRunning());
  }
}
