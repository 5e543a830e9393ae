package io.stepcarecovery.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restore workflow on the real lab; Temporal is its test server (the one fake). */
@Tag("lab")
class RestoreWorkflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  LabCa lab;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    env = environment(lab.config());
  }

  @AfterEach
  void down() {
    env.close();
    lab.close();
  }

  static TestWorkflowEnvironment environment(StepcaRecoveryConfig config) {
    TestWorkflowEnvironment e = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(e.getWorkerFactory(), config, config.hosts());
    e.start();
    return e;
  }

  static <T> T stub(TestWorkflowEnvironment env, Class<T> type, String id) {
    return env.getWorkflowClient().newWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
  }

  /**
   * Every path under the lab except the backup store and the run locks (lockDir, where a run
   * takes the CA), with its size, mode and content hash.
   */
  static TreeMap<String, String> tree(Path dir) throws Exception {
    TreeMap<String, String> t = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(p -> !p.startsWith(dir.resolve("backups")) && !p.startsWith(dir.resolve("run"))).toList()) {
        String mode = Integer.toOctalString(((Number) Files.getAttribute(p, "unix:mode",
            java.nio.file.LinkOption.NOFOLLOW_LINKS)).intValue());
        String hash = Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".log")
            ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) : "";
        t.put(dir.relativize(p).toString(), mode + " " + hash);
      }
    }
    return t;
  }

  @Test
  void anArchiveOfADifferentCaIsRefusedBeforeAnythingOnDiskChanges() throws Exception {
    BackupResult other;
    try (LabCa otherLab = LabCa.up(tmp.resolve("other"))) {
      TestWorkflowEnvironment otherEnv = environment(otherLab.config());
      try {
        other = stub(otherEnv, BackupWorkflow.class, "other-backup").backup(new BackupRequest("lab", "other CA"));
      } finally {
        otherEnv.close();
      }
    }
    // Plant the other CA's backup, with a valid record, in this CA's store.
    Path store = lab.dir().resolve("backups/lab");
    Files.createDirectories(store);
    Path planted = store.resolve(other.backupId() + ".tar.gz");
    Files.copy(Path.of(other.archive()), planted);
    ObjectNode record = (ObjectNode) JSON.readTree(Path.of(other.archive()).resolveSibling(other.backupId() + ".json").toFile());
    record.put("archive", planted.toString());
    Files.write(store.resolve(other.backupId() + ".json"), JSON.writeValueAsBytes(record));
    TreeMap<String, String> before = tree(lab.dir());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () ->
        stub(env, RestoreWorkflow.class, "restore-foreign").restore(new RestoreRequest("lab", other.backupId())));

    String why = Failures.rootMessage(e);
    String ours = Fingerprints.ofFile(lab.rootCert());
    assertTrue(why.contains("different CA") && why.contains(other.rootFingerprint()) && why.contains(ours), why);
    assertEquals(before, tree(lab.dir()), "nothing on disk changed");
    assertTrue(lab.healthy(), "the CA was never stopped");
  }

  @Test
  void aRestoreWhoseCaCannotStartIsRolledBackAndTheOriginalServesAgain() throws Exception {
    // A backup of a CA that cannot start: its ca.json names an intermediate key that is not there.
    lab.ctl("stop");
    String good = Files.readString(lab.caJson());
    ObjectNode bad = (ObjectNode) JSON.readTree(good);
    bad.put("key", lab.stepPath().resolve("secrets/missing_intermediate_key").toString());
    Files.writeString(lab.caJson(), JSON.writeValueAsString(bad));
    BackupResult broken = stub(env, BackupWorkflow.class, "backup-broken").backup(new BackupRequest("lab", "broken"));
    assertFalse(broken.caWasRunning());
    Files.writeString(lab.caJson(), good);
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));
    Path marker = lab.stepPath().resolve("config/only-in-the-live-data.txt");
    Files.writeString(marker, "the original");

    RestoreResult r = stub(env, RestoreWorkflow.class, "restore-broken")
        .restore(new RestoreRequest("lab", broken.backupId()));

    assertFalse(r.ok());
    assertTrue(r.rolledBack(), r.message());
    assertTrue(lab.healthy(), "the original CA serves again");
    assertEquals("the original", Files.readString(marker));
    assertEquals(good, Files.readString(lab.caJson()));
    assertTrue(r.movedAside().stream().anyMatch(p -> p.contains("step.failed-restore-")), r.movedAside().toString());
    Path failed = Path.of(r.movedAside().stream().filter(p -> p.contains("failed-restore")).findFirst().orElseThrow());
    assertTrue(Files.readString(failed.resolve("config/ca.json")).contains("missing_intermediate_key"), "the failed restore is kept");
    ChecklistItem running = r.checklist().stream().filter(i -> i.item().equals("Step-CA running")).findFirst().orElseThrow();
    assertEquals(ChecklistItem.FAILED, running.status(), r.checklist().toString());
  }

  @Test
  void aRestoredKeyTheCaPasswordDoesNotOpenIsRolledBack() throws Exception {
    // A backup whose intermediate key was re-encrypted with another password (the runbook's
    // "wrong password file" after a restore): the restored CA cannot start.
    lab.ctl("stop");
    Path key = lab.stepPath().resolve("secrets/intermediate_ca_key");
    byte[] goodKey = Files.readAllBytes(key);
    LabCa.run(List.of("openssl", "ec", "-in", key.toString(), "-passin", "file:" + lab.dir().resolve("pass/ca.pass"),
        "-aes256", "-passout", "pass:not-the-ca-password", "-out", key.toString()), 30);
    BackupResult broken = stub(env, BackupWorkflow.class, "backup-rekeyed").backup(new BackupRequest("lab", "rekeyed"));
    assertFalse(broken.caWasRunning());
    Files.write(key, goodKey);
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));

    RestoreResult r = stub(env, RestoreWorkflow.class, "restore-rekeyed")
        .restore(new RestoreRequest("lab", broken.backupId()));

    assertFalse(r.ok());
    assertTrue(r.rolledBack(), r.message());
    assertTrue(lab.healthy(), "the original CA serves again");
    assertTrue(java.util.Arrays.equals(goodKey, Files.readAllBytes(key)), "the original key is back in place");
    Path failed = Path.of(r.movedAside().stream().filter(p -> p.contains("failed-restore")).findFirst().orElseThrow());
    assertFalse(java.util.Arrays.equals(goodKey, Files.readAllBytes(failed.resolve("secrets/intermediate_ca_key"))),
        "the failed restore is kept as it was");
    ChecklistItem running = r.checklist().stream().filter(i -> i.item().equals("Step-CA running")).findFirst().orElseThrow();
    assertEquals(ChecklistItem.FAILED, running.status(), r.checklist().toString());
    // The failure-mode table's row, found in step-ca's own log of the failed start.
    assertTrue(r.checklist().stream().anyMatch(i -> String.valueOf(i.diagnosis()).startsWith("Wrong password file for the CA keys")),
        r.checklist().toString());
  }

  @Test
  void approvalGateWaitsAndAnAbortChangesNothing() throws Exception {
    BackupResult b = stub(env, BackupWorkflow.class, "backup-a").backup(new BackupRequest("lab", "gate"));
    TreeMap<String, String> before = tree(lab.dir());
    RestoreWorkflow wf = stub(env, RestoreWorkflow.class, "restore-gated");
    WorkflowClient.start(wf::restore, new RestoreRequest("lab", b.backupId(), true, true, false, null));
    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    Step gate = null;
    for (int i = 0; i < 100; i++) {
      gate = untyped.query("progress", Step[].class)[RestoreStep.APPROVAL.ordinal()];
      if (gate.state() == Step.State.RUNNING) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(Step.State.RUNNING, gate.state(), "waiting at the approval gate");
    assertTrue(gate.detail().contains("approve"), gate.detail());
    wf.abort("change window closed");

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> untyped.getResult(RestoreResult.class));
    assertTrue(Failures.rootMessage(e).contains("change window closed"), Failures.rootMessage(e));
    assertEquals(before, tree(lab.dir()), "nothing on disk changed");
    assertTrue(lab.healthy());
  }

  @Test
  void approvedRestoreProceedsAndValidates() throws Exception {
    BackupResult b = stub(env, BackupWorkflow.class, "backup-b").backup(new BackupRequest("lab", "gate"));
    RestoreWorkflow wf = stub(env, RestoreWorkflow.class, "restore-approved");
    WorkflowClient.start(wf::restore, new RestoreRequest("lab", b.backupId(), true, true, false, null));
    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    for (int i = 0; i < 100 && untyped.query("progress", Step[].class)[RestoreStep.APPROVAL.ordinal()].state() != Step.State.RUNNING; i++) {
      Thread.sleep(100);
    }
    // At the gate, the person approving sees every path the backup writes and where the live
    // data goes: the host's own paths, never the archive's choice.
    PlannedRestore planned = wf.plannedRestore();
    assertEquals(b.backupId(), planned.backupId());
    assertEquals(List.of(lab.stepPath().toString()), planned.writes().stream().map(PlannedRestore.Write::path).toList());
    assertTrue(planned.writes().get(0).movedAsideTo().startsWith(lab.stepPath() + ".pre-restore-"),
        planned.writes().toString());
    wf.approve("test");
    RestoreResult r = untyped.getResult(RestoreResult.class);
    assertTrue(r.ok(), r.message() + " " + r.checklist());
    assertEquals(List.of(), r.checklist().stream().filter(ChecklistItem::isFailed).toList());
    assertEquals(1, r.movedAside().size());
    assertEquals(planned.writes().get(0).movedAsideTo(), r.movedAside().get(0));
    assertEquals(List.of(lab.stepPath().toString()), r.restoredPaths());
    assertTrue(lab.healthy());
    // Nothing secret in the complete history: inputs, results, failures, summaries, details.
    String history = io.stepcarecovery.Histories.readable(env.getWorkflowClient(), "restore-approved");
    for (String secret : List.of(Files.readString(Path.of(lab.env("PROVISIONER_PASSWORD_FILE"))).strip(),
        Files.readString(lab.dir().resolve("pass/ca.pass")).strip(), "PRIVATE KEY", "ENCRYPTED")) {
      assertTrue(!history.contains(secret), "the restore history holds a secret");
    }
  }
}
