package io.stepcarecovery.orchestration;

import static io.stepcarecovery.orchestration.FakePlatform.CA;
import static io.stepcarecovery.orchestration.FakePlatform.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.recovery.RecoveryResult;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.stepcarecovery.restore.Losses;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.restore.RestoreResult;
import io.stepcarecovery.restore.RestoreWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code losses} of a restore's and a recovery's result, composed by the workflows on
 * Temporal's test server with every activity in memory ({@link FakePlatform}: backup b1 made
 * 2026-11-28T00:00:00Z, live data at /srv/step, one ingress "traefik" with an acme.json on ca1).
 */
@Timeout(60)
class LossesOrchestrationTest {
  private static final long BACKUP_MADE = Instant.parse("2026-11-28T00:00:00Z").getEpochSecond();
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

  private <T> T stub(Class<T> type, String id) {
    return env.getWorkflowClient().newWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id).setWorkflowExecutionTimeout(Duration.ofHours(2)).build());
  }

  private static RestoreRequest request(boolean rollback) {
    return new RestoreRequest(CA, "latest", rollback, false, false, null);
  }

  /** The age is the workflow clock's at the swap minus the backup's time: between the two readings. */
  private void assertAge(Losses l, long beforeSeconds) {
    long after = env.currentTimeMillis() / 1000;
    assertTrue(l.backupAgeSeconds() >= beforeSeconds - BACKUP_MADE - 1
        && l.backupAgeSeconds() <= after - BACKUP_MADE + 1, l.backupAgeSeconds() + " s");
  }

  private static void assertGuidance(Losses l) {
    assertTrue(l.undone());
    assertEquals("b1", l.backupId());
    assertEquals("2026-11-28T00:00:00Z", l.backupCreatedAt());
    assertEquals(List.of("traefik on " + FakePlatform.HOST), l.acmeClients(), "the configured ACME clients, named");
    assertEquals(List.of(), l.fixedAcmeClients(), "filled by the ingress ACME step, which does not run here");
    assertTrue(l.summary().contains("unknown to the CA") && l.summary().contains("revocations made since are undone"),
        l.summary());
    String steps = String.join("\n", l.steps());
    assertTrue(steps.contains("register again"), steps);
    assertTrue(steps.contains("step ca revoke <serial> --reasonCode"), steps);
    assertEquals(1, l.previousData().size());
    String aside = l.previousData().get(0);
    assertTrue(aside.startsWith(ROOT + ".pre-restore-"), aside);
    assertEquals(List.of("stepca-recovery losses --previous " + aside + " --current " + ROOT), l.listCommands());
    assertTrue(steps.contains(l.listCommands().get(0)), "the listing is one of the steps");
  }

  @Test
  void aRestoreSaysTheBackupsAgeWhatItUndidAndHowToListIt() {
    long before = env.currentTimeMillis() / 1000;
    RestoreResult r = stub(RestoreWorkflow.class, "restore-losses").restore(request(true));
    assertTrue(r.ok(), r.message());
    assertGuidance(r.losses());
    assertAge(r.losses(), before);
  }

  @Test
  void aRecoverySaysTheSame() {
    fake.running = false;
    long before = env.currentTimeMillis() / 1000;
    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-losses").recover(request(true));
    assertTrue(r.ok(), r.message());
    assertGuidance(r.losses());
    assertAge(r.losses(), before);
  }

  @Test
  void aRolledBackRestoreLostNothing() {
    fake.failingChecks.add("Certificate issuance functional");
    RestoreResult r = stub(RestoreWorkflow.class, "restore-losses-rollback").restore(request(true));
    assertTrue(r.rolledBack(), r.message());
    assertFalse(r.losses().undone());
    assertTrue(r.losses().summary().startsWith("nothing lost"), r.losses().summary());
    assertEquals(List.of(), r.losses().steps());
    assertEquals(List.of(), r.losses().listCommands());
  }

  @Test
  void restoredDataLeftForExaminationStillCountsAsUndone() {
    fake.failingChecks.add("Root CA trusted on clients");
    RestoreResult r = stub(RestoreWorkflow.class, "restore-losses-kept").restore(request(false));
    assertFalse(r.rolledBack());
    assertGuidance(r.losses());
  }
}
