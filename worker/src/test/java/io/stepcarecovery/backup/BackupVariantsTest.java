package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is backed up comes from ca.json: the real CA is reconfigured (bbolt, a valueDir outside
 * the step path, a broken ca.json) and restarted, then backed up by the workflow.
 */
@Tag("lab")
class BackupVariantsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  LabCa lab;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(env.getWorkerFactory(), lab.config(), lab.config().hosts());
    env.start();
  }

  @AfterEach
  void down() {
    env.close();
    lab.close();
  }

  private BackupResult backup() {
    return env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(3)).build())
        .backup(new BackupRequest("lab", "variant"));
  }

  private void reconfigure(Consumer<ObjectNode> db) throws Exception {
    lab.ctl("stop");
    ObjectNode caJson = (ObjectNode) JSON.readTree(lab.caJson().toFile());
    db.accept((ObjectNode) caJson.get("db"));
    Files.writeString(lab.caJson(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(caJson));
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "the reconfigured CA starts");
  }

  @Test
  void bboltDatabaseOutsideTheStepPathIsArchivedWithItsAbsolutePath() throws Exception {
    Path bolt = lab.dir().resolve("data/ca.db");
    Files.createDirectories(bolt.getParent());
    reconfigure(db -> db.put("type", "bbolt").put("dataSource", bolt.toString()));
    assertTrue(Files.isRegularFile(bolt), "step-ca created its bbolt file");

    BackupResult r = backup();

    assertEquals("bbolt", r.dbType());
    Manifest m = ArchiveReader.verify(Path.of(r.archive())).manifest();
    assertTrue(m.roots().contains(bolt.toString()), "roots " + m.roots());
    assertTrue(m.files().stream().anyMatch(f -> f.path().equals(bolt.toString()) && f.type().equals("file")));
    String listing = LabCa.run(List.of("tar", "-tzf", r.archive()), 30);
    assertTrue(listing.lines().anyMatch(l -> l.equals(bolt.toString().substring(1))), listing);
    assertTrue(lab.healthy());
  }

  @Test
  void badgerValueDirOutsideTheStepPathIsArchivedToo() throws Exception {
    Path data = lab.stepPath().resolve("db2");
    Path values = lab.dir().resolve("values");
    Files.createDirectories(data);
    Files.createDirectories(values);
    reconfigure(db -> db.put("dataSource", data.toString()).put("valueDir", values.toString()));

    BackupResult r = backup();

    Manifest m = ArchiveReader.verify(Path.of(r.archive())).manifest();
    assertEquals(List.of(lab.stepPath().toString(), values.toString()), m.roots());
    assertTrue(m.files().stream().anyMatch(f -> f.path().startsWith(values + "/") && f.path().endsWith(".vlog")),
        "value log files from the valueDir: " + m.files());
    assertTrue(m.files().stream().anyMatch(f -> f.path().equals(data.resolve("MANIFEST").toString())));
    assertTrue(lab.healthy());
  }

  @Test
  void malformedCaJsonIsRefusedBeforeTheCaIsStoppedWithTheFileNamed() throws Exception {
    String good = Files.readString(lab.caJson());
    Files.writeString(lab.caJson(), good.substring(0, good.length() / 2));
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, this::backup);
    String why = Failures.rootMessage(e);
    assertTrue(why.contains(lab.caJson().toString()) && why.contains("not valid JSON"), why);
    assertTrue(lab.caProcessRunning(), "the CA was never stopped");
    assertFalse(Files.exists(lab.dir().resolve("backups/lab")) && Files.list(lab.dir().resolve("backups/lab"))
        .anyMatch(p -> p.toString().endsWith(".tar.gz")), "no archive written");
  }
}
