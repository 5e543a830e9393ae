package io.stepcarecovery.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.verify.VerifyRequest;
import io.stepcarecovery.verify.VerifyWorkflow;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full TLS outage on the real lab: the CA is killed and its whole data directory deleted, then
 * recovered from a backup in the runbook's order. Temporal is its test server (the one fake).
 */
@Tag("lab")
class RecoveryWorkflowTest {
  @TempDir Path tmp;
  LabCa lab;
  StepcaRecoveryConfig config;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    config = lab.config();
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
  }

  @AfterEach
  void down() {
    env.close();
    lab.close();
  }

  private <T> T stub(Class<T> type, String id) {
    return env.getWorkflowClient().newWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
  }

  @Test
  void outageRecoveredFromBackupPassesEveryChecklistItemUnderTheSameRoot() throws Exception {
    String rootBefore = Fingerprints.ofFile(lab.stepPath().resolve("certs/root_ca.crt"));
    BackupResult backup = stub(BackupWorkflow.class, "backup-1").backup(new BackupRequest("lab", "before outage"));

    lab.killCa();
    LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);
    assertFalse(lab.healthy(), "outage: the CA is gone");

    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-1").recover(new RestoreRequest("lab", "latest"));

    assertEquals(backup.backupId(), r.backupId());
    for (ChecklistItem item : r.checklist()) {
      assertEquals(ChecklistItem.PASSED, item.status(), item.toString());
    }
    for (String item : List.of("Step-CA running", "No startup errors", "ACME endpoint reachable",
        "Root CA trusted on clients", "Intermediate CA valid", "Certificate issuance functional",
        "Applications accessible")) {
      assertTrue(r.checklist().stream().anyMatch(i -> i.item().equals(item)), item + " checked: " + r.checklist());
    }
    assertTrue(r.ok(), r.message());
    assertTrue(r.movedAside().isEmpty(), "nothing was there to move aside: " + r.movedAside());

    // A certificate issued now by a real client chains to the same root as before the outage.
    Path crt = tmp.resolve("after.crt");
    LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
        "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
        "--password-file", lab.env("PROVISIONER_PASSWORD_FILE"), "--san", "after.internal",
        "after.internal", crt.toString(), tmp.resolve("after.key").toString()), 60);
    String verify = LabCa.run(List.of("openssl", "verify", "-CAfile", lab.rootCert().toString(),
        "-untrusted", crt.toString(), crt.toString()), 30);
    assertTrue(verify.contains(": OK"), verify);
    assertEquals(rootBefore, Fingerprints.ofFile(lab.stepPath().resolve("certs/root_ca.crt")));

    // verify agrees, and changes nothing.
    List<ChecklistItem> again = stub(VerifyWorkflow.class, "verify-1").verify(new VerifyRequest("lab"));
    assertTrue(again.stream().noneMatch(ChecklistItem::isFailed), again.toString());

    // The provisioner password is nowhere in any of these histories.
    String password = Files.readString(Path.of(lab.env("PROVISIONER_PASSWORD_FILE"))).strip();
    for (String id : List.of("backup-1", "recover-1", "verify-1")) {
      String history = io.stepcarecovery.Histories.readable(env.getWorkflowClient(), id);
      assertFalse(history.contains(password), id + " history holds the provisioner password");
      assertFalse(history.contains("PRIVATE KEY"), id + " history holds a private key");
    }
  }

  @Test
  void aHealthyCaIsRefusedThenWithEvenIfHealthyItsLiveDataIsMovedAsideNotDeleted() throws Exception {
    stub(BackupWorkflow.class, "backup-2").backup(new BackupRequest("lab", "first"));
    Path marker = lab.stepPath().resolve("config/after-backup.txt");
    Files.writeString(marker, "written after the backup");

    // The CA serves (/health and an ACME new-nonce): a recovery is refused before anything changes.
    WorkflowFailedException refused = assertThrows(WorkflowFailedException.class,
        () -> stub(RecoveryWorkflow.class, "recover-healthy").recover(new RestoreRequest("lab", "latest")));
    String why = io.stepcarecovery.Failures.rootMessage(refused);
    assertTrue(why.startsWith("CA lab is healthy (GET " + lab.caUrl()) && why.contains("new-nonce")
        && why.contains("Replay-Nonce") && why.endsWith("stepca-recovery recover --ca lab --even-if-healthy"), why);
    assertEquals("written after the backup", Files.readString(marker), "nothing changed");
    assertTrue(lab.healthy(), "never stopped");
    try (java.util.stream.Stream<Path> siblings = Files.list(lab.stepPath().getParent())) {
      assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains(".pre-restore-")
          || p.getFileName().toString().contains(".restoring-")).toList(), "nothing moved aside or staged");
    }

    // Told --even-if-healthy (and so with the lock free again), the same recovery goes ahead.
    RecoveryResult r = stub(RecoveryWorkflow.class, "recover-2").recover(new RestoreRequest("lab", "latest",
        null, null, null, null, null, null, true, null, null));

    assertTrue(r.ok(), r.message());
    assertFalse(Files.exists(marker), "the restored data is the backup's");
    assertEquals(1, r.movedAside().size(), r.movedAside().toString());
    Path aside = Path.of(r.movedAside().get(0));
    assertTrue(aside.getFileName().toString().startsWith("step.pre-restore-"), aside.toString());
    assertEquals("written after the backup", Files.readString(aside.resolve("config/after-backup.txt")));
    assertTrue(lab.healthy());
    assertTrue(WorkflowStub.fromTyped(stub(RecoveryWorkflow.class, "recover-2")) != null);
  }
}
