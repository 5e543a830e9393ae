package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees in the Temporal UI and what any Temporal client can do, on the embedded
 * service (Temporal's test server, the one fake) against a real lab CA.
 */
@Tag("lab")
class TemporalUiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static TemporalSession session;

  @BeforeAll
  static void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    session = TemporalSession.embedded(lab.config());
  }

  @AfterAll
  static void down() {
    session.close();
    lab.close();
  }

  @Test
  void anUntypedClientStartsABackupWithOneLineOfJson() throws Exception {
    // Exactly what `temporal workflow start --type BackupWorkflow --task-queue stepca-recovery
    // --input '{"ca":"lab","reason":"pre-upgrade"}'` sends: a json/plain payload, no Java types.
    String id = "api-backup-" + UUID.randomUUID();
    WorkflowClient client = session.client();
    client.getWorkflowServiceStubs().blockingStub().startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.getOptions().getNamespace())
        .setWorkflowId(id)
        .setRequestId(UUID.randomUUID().toString())
        .setWorkflowType(WorkflowType.newBuilder().setName("BackupWorkflow"))
        .setTaskQueue(TaskQueue.newBuilder().setName("stepca-recovery"))
        .setInput(Payloads.newBuilder().addPayloads(Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8("{\"ca\":\"lab\",\"reason\":\"pre-upgrade\"}"))))
        .build());
    JsonNode result = client.newUntypedWorkflowStub(id).getResult(JsonNode.class);
    Path archive = Path.of(result.get("archive").asText());
    assertTrue(Files.isRegularFile(archive), result.toString());
    assertEquals("pre-upgrade", JSON.readTree(archive.resolveSibling(result.get("backupId").asText() + ".json")
        .toFile()).get("reason").asText());
    assertTrue(lab.healthy());
  }

  @Test
  void theUiShowsASummaryStepSummariesCurrentDetailsAndSearchAttributes() throws Exception {
    WorkflowOptions opts = StartOptions.of(session, "backup", "lab", "before upgrade",
        "Runbook backup: stop → snapshot → start → archive → store → prune.");
    assertTrue(opts.getWorkflowId().matches("backup-lab-\\d{8}T\\d{6}Z"), opts.getWorkflowId());
    BackupWorkflow wf = session.client().newWorkflowStub(BackupWorkflow.class, opts);
    wf.backup(new BackupRequest("lab", "before upgrade"));

    List<HistoryEvent> events = session.client().fetchHistory(opts.getWorkflowId()).getEvents();
    HistoryEvent started = events.get(0);
    assertEquals("Backup of CA lab — before upgrade", text(started.getUserMetadata().getSummary()));
    assertTrue(text(started.getUserMetadata().getDetails()).contains("stop → snapshot"));
    var attributes = started.getWorkflowExecutionStartedEventAttributes().getSearchAttributes().getIndexedFieldsMap();
    assertEquals("lab", text(attributes.get("CaName")));
    assertEquals("backup", text(attributes.get("RunbookKind")));
    assertEquals("before upgrade", text(attributes.get("Reason")));

    List<String> summaries = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> text(e.getUserMetadata().getSummary())).toList();
    assertTrue(summaries.contains("Step 2/9 · Stop CA · lab on localhost"), summaries.toString());
    assertTrue(summaries.contains("Step 3/9 · Snapshot data directory · lab on localhost"), summaries.toString());
    assertTrue(summaries.stream().allMatch(s -> !s.isEmpty()), "every activity has a summary: " + summaries);

    String details = WorkflowStub.fromTyped(wf)
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class).getCurrentDetails();
    assertTrue(details.contains("- [x] 2. Stop CA · lab on localhost") && details.contains("- [x] 9. Prune old backups"),
        details);
  }

  private static String text(Payload p) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class);
  }
}
