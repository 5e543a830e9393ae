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
 * Histories recorded on a real lab with the workflow code before the one-read restore and the
 * concurrent checklist (commit f993fe3; version 0 of 'one-verified-pass', 'concurrent-checklist'
 * and 'concurrent-final-checks') replay against today's code: a run in flight during an upgrade
 * finishes as it began.
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
  void aRestoreOfVersion0Replays() throws Exception {
    replay("restore-v0.json", RestoreWorkflowImpl.class);
  }

  @Test
  void aRecoveryOfVersion0Replays() throws Exception {
    replay("recover-v0.json", RecoveryWorkflowImpl.class);
  }

  @Test
  void aBackupOfVersion0Replays() throws Exception {
    replay("backup-v0.json", BackupWorkflowImpl.class);
  }
}
