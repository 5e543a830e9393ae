package io.stepcarecovery.restore;

import io.stepcarecovery.backup.BackupWorkflowImpl;
import io.stepcarecovery.recovery.RecoveryWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
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

  @Test
  void aRestoreOfVersion0Replays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history("restore-v0.json"), RestoreWorkflowImpl.class);
  }

  @Test
  void aRecoveryOfVersion0Replays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history("recover-v0.json"), RecoveryWorkflowImpl.class);
  }

  @Test
  void aBackupOfVersion0Replays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history("backup-v0.json"), BackupWorkflowImpl.class);
  }
}
