package io.stepcarecovery.restore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.config.CaViews;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.recovery.RecoveryResult;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the histories {@link ReplayTest} replays: a backup, a restore through the approval gate
 * and a recovery of a full outage, on the real lab with today's workflow code. Not a test: its
 * name is outside Surefire's default includes, so it never runs (nor shows as skipped) in the
 * suite; it runs only when named, and writes into the test resources:
 *
 * <pre>
 * mvn -B -o verify -pl worker -am -Dtest=HistoryRecorder -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Drecord.histories=$PWD/worker/src/test/resources/histories
 * </pre>
 */
@Tag("lab")
class HistoryRecorder {
  @TempDir Path tmp;

  @Test
  void recordBackupRestoreAndRecovery() throws Exception {
    String dir = System.getProperty("record.histories");
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("give the directory to write the histories to:"
          + " -Drecord.histories=$PWD/worker/src/test/resources/histories");
    }
    Path out = Path.of(dir);
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      TestWorkflowEnvironment env = RestoreWorkflowTest.environment(lab.config());
      try {
        WorkflowClient client = env.getWorkflowClient();
        io.stepcarecovery.ca.CaView view = CaViews.of(lab.config().ca("lab"));
        BackupResult backup = RestoreWorkflowTest.stub(env, BackupWorkflow.class, "backup")
            .backup(new BackupRequest("lab", "recorded for ReplayTest", null, null, view));
        write(client, "backup", out.resolve("backup.json"));

        RestoreWorkflow restore = RestoreWorkflowTest.stub(env, RestoreWorkflow.class, "restore");
        WorkflowClient.start(restore::restore, new RestoreRequest("lab", backup.backupId(), true, true, false, null,
            null, null, null, 600, view));
        for (int i = 0; i < 600 && (restore.plannedRestore() == null
            || restore.plannedRestore().approvalDeadline() == null); i++) {
          Thread.sleep(100);
        }
        restore.approve("recorder");
        RestoreResult restored = client.newUntypedWorkflowStub("restore").getResult(RestoreResult.class);
        assertTrue(restored.ok(), restored.message());
        write(client, "restore", out.resolve("restore.json"));

        lab.killCa();
        LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);
        assertFalse(lab.healthy(), "outage: the CA is gone");
        RecoveryResult recovered = RestoreWorkflowTest.stub(env, RecoveryWorkflow.class, "recover")
            .recover(new RestoreRequest("lab", backup.backupId(), true, false, false, null, null, null, null, null,
                view));
        assertTrue(recovered.ok(), recovered.message());
        write(client, "recover", out.resolve("recover.json"));
      } finally {
        env.close();
      }
    }
  }

  private static void write(WorkflowClient client, String id, Path file) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, client.fetchHistory(id).toJson(true));
  }
}
