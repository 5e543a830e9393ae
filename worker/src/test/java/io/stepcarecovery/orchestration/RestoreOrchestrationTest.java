package io.stepcarecovery.orchestration;

import static io.stepcarecovery.orchestration.FakePlatform.CA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.recovery.RecoveryResult;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.stepcarecovery.restore.PlannedRestore;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.restore.RestoreResult;
import io.stepcarecovery.restore.RestoreWorkflow;
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
 * The restore and recovery workflows' decisions, with every activity in memory
 * ({@link FakePlatform}) on Temporal's test server: the order of the runbook's steps, what is
 * compensated when a step fails, and when the previous data is put back. The same workflows run
 * against the real lab in RestoreWorkflowTest and RecoveryWorkflowTest; this is the fast tier.
 */
@Timeout(60)
class RestoreOrchestrationTest {
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

  /** The calls that change the CA host, in order (checks run concurrently, so they are left out). */
  private List<String> hostChanges() {
    return fake.calls.stream().filter(c -> List.of("lockCa", "verifyAndStage", "verifyBackup", "stage", "stopCa",
        "swapIn", "startCa", "swapBack", "discardStaging", "discardStagingOf", "unlockCa").contains(c)).toList();
  }

  @Test
  void aRestoreFollowsTheRunbookOrderAndGivesTheCaBack() {
    RestoreResult r = stub(RestoreWorkflow.class, "restore-order").restore(request(true));
    assertTrue(r.ok(), r.message());
    assertEquals(List.of("lockCa", "verifyAndStage", "stopCa", "swapIn", "startCa", "unlockCa"), hostChanges());
    // A restore validates the CA itself: service, ACME, trust, issuance (the platform is recover's).
    assertEquals(List.of("Step-CA running", "No startup errors", "ACME endpoint reachable", "Root CA trusted on clients",
        "Intermediate CA valid", "Certificate issuance functional"), r.checklist().stream().map(i -> i.item()).toList());
    assertTrue(fake.running);
    assertEquals("backup", fake.live);
    assertNull(fake.lockedBy, "the lock is released");
  }

  @Test
  void aFailedSwapPutsBackWhatMovedAndStartsTheCa() {
    fake.failing.add("swapIn");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub(RestoreWorkflow.class, "restore-swap-fails").restore(request(true)));
    assertEquals(List.of("lockCa", "verifyAndStage", "stopCa", "swapIn", "swapBack", "startCa", "discardStaging",
        "unlockCa"), hostChanges(), e.toString());
    assertTrue(fake.running, "the CA runs again");
    assertEquals("live", fake.live);
    assertNull(fake.lockedBy);
  }

  @Test
  void aFailedValidationRollsBackToThePreviousData() {
    fake.failingChecks.add("Certificate issuance functional");
    RestoreResult r = stub(RestoreWorkflow.class, "restore-rollback").restore(request(true));
    assertFalse(r.ok());
    assertTrue(r.rolledBack(), r.message());
    List<String> changes = hostChanges();
    assertEquals(List.of("stopCa", "swapIn", "startCa", "stopCa", "swapBack", "startCa", "unlockCa"),
        changes.subList(2, changes.size()));
    assertEquals("live", fake.live, "the previous data serves again");
    assertTrue(fake.running);
    assertTrue(r.message().contains("rolled back"), r.message());
  }

  @Test
  void withoutRollbackTheRestoredDataStaysForExamination() {
    fake.failingChecks.add("Root CA trusted on clients");
    RestoreResult r = stub(RestoreWorkflow.class, "restore-no-rollback").restore(request(false));
    assertFalse(r.ok());
    assertFalse(r.rolledBack());
    assertFalse(fake.calls.contains("swapBack"));
    assertEquals("backup", fake.live);
    assertTrue(r.message().contains("left in place"), r.message());
  }

  @Test
  void aRefusedBackupChangesNothingAndNeverStopsTheCa() {
    fake.failing.add("verifyAndStage");
    assertThrows(WorkflowFailedException.class,
        () -> stub(RestoreWorkflow.class, "restore-refused").restore(request(true)));
    assertEquals(List.of("lockCa", "verifyAndStage", "discardStagingOf", "unlockCa"), hostChanges());
    assertTrue(fake.running);
    assertEquals("live", fake.live);
  }

  @Test
  void aRecoveryRunsTheRunbooksRecoveryOrder() {
    fake.running = false; // the outage a recovery is for
    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-order").recover(request(true));
    assertTrue(r.ok(), r.message());
    List<String> order = fake.calls.stream().filter(c -> List.of("swapIn", "startCa", "checkAcme", "checkIssuance",
        "restartIngress", "checkService").contains(c)).toList();
    assertEquals(List.of("swapIn", "startCa", "checkAcme", "checkIssuance", "restartIngress", "checkService"),
        order.subList(0, 6), fake.calls.toString());
  }

  @Test
  void aRecoveryWhoseCaDoesNotStartStillChecksTheServicesForTheTlsCountdown() {
    fake.running = false;
    fake.failing.add("awaitHealthy"); // the restored CA does not come up
    fake.failingChecks.add("Step-CA running");
    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-no-start").recover(request(false));
    assertFalse(r.ok());
    assertTrue(r.message().contains("did not start"), r.message());
    assertFalse(fake.calls.contains("checkAcme") || fake.calls.contains("restartIngress"), fake.calls.toString());
    assertTrue(io.stepcarecovery.checklist.Countdown.caDown(r.checklist()), r.checklist().toString());
    List<io.stepcarecovery.checklist.ChecklistItem> countdown = io.stepcarecovery.checklist.Countdown.earliestFirst(
        r.checklist());
    assertEquals(1, countdown.size(), r.checklist().toString());
    assertEquals("https://app.internal", countdown.get(0).service());
    assertEquals(FakePlatform.SERVED_EXPIRY, io.stepcarecovery.checklist.Countdown.expiry(countdown.get(0)));
  }

  private static RestoreRequest guarded(Boolean evenIfHealthy, Boolean approval, Integer approvalTimeout,
      io.stepcarecovery.ca.CaView expect) {
    return new RestoreRequest(CA, "latest", true, approval, false, null, null, null, evenIfHealthy,
        approvalTimeout, expect);
  }

  private static String failureType(WorkflowFailedException e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof io.temporal.failure.ApplicationFailure a ? a.getType() : t.toString();
  }

  @Test
  void aRecoveryOfAHealthyCaIsRefusedBeforeTheLockWithNothingChanged() {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub(RecoveryWorkflow.class, "recover-healthy").recover(guarded(null, false, null, null)));
    assertEquals("CaHealthy", failureType(e));
    assertTrue(io.stepcarecovery.Failures.rootMessage(e).contains("--even-if-healthy"),
        io.stepcarecovery.Failures.rootMessage(e));
    assertEquals(List.of(), hostChanges(), "not even locked");
    assertTrue(fake.calls.contains("currentHealth"), fake.calls.toString());
    assertNull(fake.lockedBy);
    assertTrue(fake.running);
    assertEquals("live", fake.live);
  }

  @Test
  void aRecoveryOfAHealthyCaGoesAheadWhenToldEvenIfHealthy() {
    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-even").recover(guarded(true, false, null, null));
    assertTrue(r.ok(), r.message());
    assertEquals("backup", fake.live);
    assertNull(fake.lockedBy);
  }

  @Test
  void aRestoreOfAHealthyCaIsNotRefused() {
    RestoreResult r = stub(RestoreWorkflow.class, "restore-healthy").restore(guarded(null, false, null, null));
    assertTrue(r.ok(), r.message());
    assertTrue(fake.calls.contains("currentHealth"), fake.calls.toString());
  }

  /** The gate comes after the one verifying read: the staging exists, the live data is untouched. */
  @Test
  void anUnansweredGateEndsAtItsDeadlineWithTheStagingDiscardedAndTheLockReleased() {
    RestoreWorkflow wf = stub(RestoreWorkflow.class, "restore-deadline");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> wf.restore(guarded(null, true, 120, null)));
    assertEquals("ApprovalExpired", failureType(e));
    assertEquals(List.of("lockCa", "verifyAndStage", "discardStaging", "unlockCa"), hostChanges());
    assertLiveDataUntouched();
  }

  @Test
  void anAbortedGateDiscardsTheStagingReleasesTheLockAndNeverStopsTheCa() throws Exception {
    RestoreWorkflow wf = atTheGate("restore-aborted");
    PlannedRestore planned = wf.plannedRestore();
    assertEquals("b1", planned.backupId());
    assertTrue(planned.approvalDeadline() != null, "the prompt shows until when the gate waits");
    assertTrue(fake.calls.contains("verifyAndStage"), "verified and staged before the gate: " + fake.calls);
    wf.abort("changed my mind");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> env.getWorkflowClient()
        .newUntypedWorkflowStub("restore-aborted").getResult(RestoreResult.class));
    assertEquals("Aborted", failureType(e));
    assertTrue(io.stepcarecovery.Failures.rootMessage(e).contains("changed my mind"),
        io.stepcarecovery.Failures.rootMessage(e));
    assertEquals(List.of("lockCa", "verifyAndStage", "discardStaging", "unlockCa"), hostChanges());
    assertLiveDataUntouched();
  }

  @Test
  void anApprovedRestoreStopsSwapsAndStartsInOrderAfterTheGate() throws Exception {
    RestoreWorkflow wf = atTheGate("restore-approved");
    assertFalse(fake.calls.contains("stopCa"), "the CA runs while the gate waits: " + fake.calls);
    wf.approve("tester");
    RestoreResult r = env.getWorkflowClient().newUntypedWorkflowStub("restore-approved")
        .getResult(RestoreResult.class);
    assertTrue(r.ok(), r.message());
    assertEquals(List.of("lockCa", "verifyAndStage", "stopCa", "swapIn", "startCa", "unlockCa"), hostChanges());
    assertEquals("backup", fake.live);
    assertTrue(fake.running);
    assertNull(fake.lockedBy);
  }

  @Test
  void aRefusedBackupWithAGateChangesNothingAndNeverAsks() {
    fake.failing.add("verifyAndStage");
    RestoreWorkflow wf = stub(RestoreWorkflow.class, "restore-gated-refused");
    assertThrows(WorkflowFailedException.class, () -> wf.restore(guarded(null, true, 3600, null)));
    assertEquals(List.of("lockCa", "verifyAndStage", "discardStagingOf", "unlockCa"), hostChanges());
    assertEquals(io.stepcarecovery.progress.Step.State.PENDING, wf.progress().get(io.stepcarecovery.restore.RestoreStep.APPROVAL.ordinal()).state(),
        "the approval step never ran");
    assertTrue(fake.running);
    assertEquals("live", fake.live);
  }

  /**
   * Starts a restore with an approval gate and waits (in real time; the gate's timer runs in
   * workflow time) until the gate asks.
   */
  private RestoreWorkflow atTheGate(String id) throws InterruptedException {
    RestoreWorkflow wf = stub(RestoreWorkflow.class, id);
    io.temporal.client.WorkflowClient.start(wf::restore, guarded(null, true, 3600, null));
    for (int i = 0; i < 200; i++) {
      PlannedRestore p = wf.plannedRestore();
      if (p != null && p.approvalDeadline() != null) {
        return wf;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the gate never opened: " + fake.calls);
  }

  /** The CA was never stopped, serves its live data, and is not locked. */
  private void assertLiveDataUntouched() {
    assertFalse(fake.calls.contains("stopCa"), "the CA was never stopped: " + fake.calls);
    assertTrue(fake.running);
    assertEquals("live", fake.live);
    assertNull(fake.lockedBy, "the lock is released");
  }

  @Test
  void anApprovalBeforeTheDeadlineGoesAhead() {
    RecoveryWorkflow wf = stub(RecoveryWorkflow.class, "recover-approved");
    fake.running = false;
    io.temporal.client.WorkflowClient.start(wf::recover, guarded(null, true, 120, null));
    wf.approve("tester");
    RecoveryResult r = env.getWorkflowClient().newUntypedWorkflowStub("recover-approved")
        .getResult(RecoveryResult.class);
    assertTrue(r.ok(), r.message());
    assertEquals("backup", fake.live);
  }

  @Test
  void aWorkerConfigThatDescribesTheCaOtherwiseIsRefusedNamingBoth() {
    io.stepcarecovery.ca.CaView mine = new io.stepcarecovery.ca.CaView(CA, "/srv/lab5/config/ca.json",
        "https://ca.internal:9000", "/backups-lab5");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub(RestoreWorkflow.class, "restore-mismatch").restore(guarded(null, false, null, mine)));
    assertEquals("ConfigMismatch", failureType(e));
    String m = io.stepcarecovery.Failures.rootMessage(e);
    assertTrue(m.contains("/srv/step/config/ca.json") && m.contains("/srv/lab5/config/ca.json"), m);
    assertEquals(List.of(), hostChanges());
    assertEquals("live", fake.live);
  }

  @Test
  void theSameViewOnBothSidesGoesAhead() {
    RestoreResult r = stub(RestoreWorkflow.class, "restore-same").restore(guarded(null, false, null, fake.view));
    assertTrue(r.ok(), r.message());
  }
}
