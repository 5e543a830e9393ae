package io.stepcarecovery.lock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-CA run lock lives on the CA host (lockDir), holds who took it, and a run tells a live
 * holder (refused, named, with the command to check it) from one that is gone (taken over, and
 * said). Holders are real processes; the CA is the real lab; Temporal is its test server.
 */
@Tag("lab")
class RunLockTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  LabCa lab;
  StepcaRecoveryConfig config;
  TestWorkflowEnvironment env;
  Process holder;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    config = lab.config();
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
  }

  @AfterEach
  void down() throws Exception {
    if (holder != null) {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    env.close();
    lab.close();
  }

  private Path lockFile() {
    return lab.dir().resolve("run/lab.lock");
  }

  private BackupWorkflow stub(String id) {
    return env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id).setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
  }

  /** A lock as another run's process would have written it. */
  private void plantLock(String workflowId, long pid, String start, String temporal) throws Exception {
    Files.createDirectories(lockFile().getParent());
    Files.write(lockFile(), JSON.writeValueAsBytes(new LockRecord(workflowId, pid, start,
        ProcessIdentity.hostName(), Instant.now().minusSeconds(600).toString(), temporal)));
  }

  private BackupResult backupAndCheckTakeover(String id, String... expected) throws Exception {
    String pidBefore = Files.readString(lab.dir().resolve("step-ca.pid")).strip();
    BackupResult r = stub(id).backup(new BackupRequest("lab", "after a crash"));
    String detail = env.getWorkflowClient().newUntypedWorkflowStub(id).query("progress", Step[].class)[0].detail();
    assertTrue(detail.contains("lock taken over: found"), detail);
    for (String e : expected) {
      assertTrue(detail.contains(e), "'" + e + "' in: " + detail);
    }
    assertTrue(Files.exists(Path.of(r.archive())));
    assertFalse(pidBefore.equals(Files.readString(lab.dir().resolve("step-ca.pid")).strip()),
        "the CA was stopped for the snapshot and started again");
    assertTrue(lab.healthy());
    assertFalse(Files.exists(lockFile()), "given back at the end");
    assertFalse(Files.exists(lab.dir().resolve("backups/lab/.lock")), "nothing locked in the store");
    return r;
  }

  @Test
  void aLockWhoseHolderWasKilledIsTakenOverAndTheRunSaysWhatItFound() throws Exception {
    Process dead = new ProcessBuilder("sleep", "300").start();
    String start = ProcessIdentity.startTimeOf(dead.pid()).orElseThrow();
    dead.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: it released nothing
    plantLock("backup-lab-crashed", dead.pid(), start, "embedded");

    backupAndCheckTakeover("after-kill", "backup-lab-crashed", "process " + dead.pid(), "whose process is gone");
  }

  @Test
  void aLockWhosePidNowBelongsToAnotherProcessIsStale() throws Exception {
    // This very JVM runs, but it is not the process that wrote the lock: another start time.
    plantLock("backup-lab-rebooted", ProcessHandle.current().pid(), "1", "localhost:7233");

    backupAndCheckTakeover("after-pid-reuse", "backup-lab-rebooted", "now belongs to another process");
  }

  @Test
  void anEmptyLockFromAFullDiskIsStale() throws Exception {
    Files.createDirectories(lockFile().getParent());
    Files.write(lockFile(), new byte[0]);

    backupAndCheckTakeover("after-full-disk", "an empty lock " + lockFile());
  }

  @Test
  void anUnreadableLockIsStale() throws Exception {
    Files.createDirectories(lockFile().getParent());
    Files.writeString(lockFile(), "{\"workflowId\": \"backup-lab-cut");

    backupAndCheckTakeover("after-garbage", "an unreadable lock " + lockFile());
  }

  @Test
  void aLiveHolderIsRefusedNamedWithTheCommandToCheckItAndTheCaIsNotTouched() throws Exception {
    holder = new ProcessBuilder("sleep", "300").start();
    String start = ProcessIdentity.startTimeOf(holder.pid()).orElseThrow();
    plantLock("restore-lab-other", holder.pid(), start, "temporal.internal:7233");
    byte[] lockBefore = Files.readAllBytes(lockFile());
    String pidBefore = Files.readString(lab.dir().resolve("step-ca.pid")).strip();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub("second").backup(new BackupRequest("lab", "while another run holds it")));
    String why = Failures.rootMessage(e);
    assertTrue(why.contains("CA lab is busy: run restore-lab-other is working on it (process " + holder.pid()), why);
    assertTrue(why.contains("stepca-recovery status restore-lab-other --temporal temporal.internal:7233"), why);
    assertTrue(why.contains("stepca-recovery unlock --ca lab"), why);
    assertArrayEquals(lockBefore, Files.readAllBytes(lockFile()), "the holder's lock is left as it was");
    assertEquals(pidBefore, Files.readString(lab.dir().resolve("step-ca.pid")).strip(), "the CA was never stopped");
    assertTrue(lab.healthy());

    // An embedded holder cannot be reached with `status`: the message says where it lives instead.
    plantLock("backup-lab-embedded", holder.pid(), start, "embedded");
    why = Failures.rootMessage(assertThrows(WorkflowFailedException.class,
        () -> stub("third").backup(new BackupRequest("lab", "while an embedded run holds it"))));
    assertTrue(why.contains("an embedded run inside process " + holder.pid()), why);
    assertFalse(why.contains("status backup-lab-embedded"), why);

    // The holder ends (here: killed): the next run proceeds without anyone cleaning up.
    holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    backupAndCheckTakeover("fourth", "backup-lab-embedded", "whose process is gone");
  }
}
