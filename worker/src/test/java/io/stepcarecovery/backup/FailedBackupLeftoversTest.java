package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaServiceActivitiesImpl;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored copy that does not verify holds key material and is a copy of data the CA still has:
 * it is removed, not kept as {@code *.rejected}, and the failure says so. Real lab; Temporal is
 * its test server.
 */
@Tag("lab")
class FailedBackupLeftoversTest {
  @TempDir Path tmp;

  @Test
  void aStoredCopyThatDoesNotVerifyIsRemovedAndTheFailureSaysSo() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      StepcaRecoveryConfig config = lab.config();
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      try {
        Workers.register(env.getWorkerFactory(), config, config.hosts(), c -> new Object[] {
            new CaServiceActivitiesImpl(c),
            new DelegatingBackupActivities(new BackupActivitiesImpl(c)) {
              @Override
              public ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan) {
                ArchiveReport r = super.archive(ca, backupId, reason, createdAt, plan);
                // The store's disk flips a byte of what was written.
                try (RandomAccessFile f = new RandomAccessFile(r.partialPath(), "rw")) {
                  f.seek(f.length() / 2);
                  int b = f.read();
                  f.seek(f.length() / 2);
                  f.write(b ^ 0xff);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                return r;
              }
            }});
        env.start();
        WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () ->
            env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.SHARED).setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build())
                .backup(new BackupRequest("lab", "corrupted by the disk")));
        String why = Failures.rootMessage(e);
        assertTrue(why.contains("does not verify") && why.contains("removed it"), why);
      } finally {
        env.close();
      }
      Path store = lab.dir().resolve("backups/lab");
      try (Stream<Path> files = Files.walk(store)) {
        assertEquals(List.of(), files.filter(Files::isRegularFile).toList(),
            "no archive, .rejected copy, record or work file left in the store");
      }
      assertTrue(new BackupStore(lab.dir().resolve("backups"), "lab").list().isEmpty());
      assertTrue(lab.healthy(), "the CA runs");
    }
  }
}
