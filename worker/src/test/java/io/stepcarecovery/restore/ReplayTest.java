package io.stepcarecovery.restore;

import io.stepcarecovery.backup.BackupWorkflowImpl;
import io.stepcarecovery.recovery.RecoveryWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Histories recorded on the real lab ({@link HistoryRecorder}: a backup, a restore through
 * the approval gate, a recovery of an outage) replay against today's code: a run in flight
 * during an upgrade finishes as it began.
 *
 * <p>Changing a workflow: until the first release (0.1.0-SNAPSHOT today) a change that no longer
 * replays these histories re-records them with {@link HistoryRecorder} and says so in its
 * commit. After the first release, never: every change to a workflow's commands goes behind
 * {@code Workflow.getVersion}, and the histories recorded before it stay here, replayed beside
 * the new ones.
 */
class ReplayTest {
  private static String history(String name) throws Exception {
    try (InputStream in = ReplayTest.class.getResourceAsStream("/histories/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Replays on a worker whose deadlock detector allows for a loaded machine: the first replay
   * loads the workflow's classes, which on 2 busy cores took over the default 1 s and failed as a
   * "potential deadlock" that says nothing about determinism.
   */
  private static void replay(String name, Class<?> workflow) throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try {
      Worker worker = env.newWorker("replay", WorkerOptions.newBuilder()
          .setDefaultDeadlockDetectionTimeout(Duration.ofSeconds(30).toMillis()).build());
      worker.registerWorkflowImplementationTypes(workflow);
      WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(history(name)), worker);
    } finally {
      env.close();
    }
  }

  @Test
  void aRestoreThroughTheApprovalGateReplays() throws Exception {
    replay("restore.json", RestoreWorkflowImpl.class);
  }

  @Test
  void aRecoveryReplays() throws Exception {
    replay("recover.json", RecoveryWorkflowImpl.class);
  }

  @Test
  void aBackupReplays() throws Exception {
    replay("backup.json", BackupWorkflowImpl.class);
  }
}
