package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * backup --all without a lab: its usage errors (exit 2, nothing started) — with --ca, and without
 * a Temporal service (an embedded run would do every host's steps on this one) — and --no-wait,
 * which starts one run per CA on a Temporal service (the in-memory test server) and prints their
 * ids. The runs themselves, on real CAs and hosts: FleetCliIT.
 */
class BackupAllTest {
  @TempDir Path tmp;

  @Test
  void allAndCaExcludeEachOther() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yaml"), "temporal: { address: \"127.0.0.1:1\" }\n" + ConfigYaml.ONE_CA);
    Result r = run("backup", "--all", "--ca", "main", "--config", config.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("--all and --ca exclude each other"), r.err);
    assertEquals("", r.out);
  }

  @Test
  void allNeedsATemporalService() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yaml"), ConfigYaml.ONE_CA);
    Result r = run("backup", "--all", "--config", config.toString());
    assertEquals(2, r.code, r.err);
    assertTrue(r.err.contains("--all needs a Temporal service") && r.err.contains("stepca-recovery backup --ca NAME"),
        r.err);
  }

  @Test
  void noWaitStartsOneBackupPerCaAndPrintsTheirIds() throws Exception {
    int port = DevServerIT.freePort();
    String second = ConfigYaml.ONE_CA.substring(ConfigYaml.ONE_CA.indexOf("  - name: main"))
        .replace("name: main", "name: edge").replace("host: ca1", "host: ca2");
    Path config = Files.writeString(tmp.resolve("c.yaml"), "temporal: { address: \"127.0.0.1:" + port + "\" }\n"
        + ConfigYaml.ONE_CA + second);
    try (BoundTestServer server = BoundTestServer.start("127.0.0.1", port)) {
      Result json = run("backup", "--all", "--no-wait", "--json", "--config", config.toString());
      assertEquals(0, json.code, json.err);
      JsonNode docs = Output.JSON.readTree(json.out);
      assertEquals(2, docs.size(), json.out);
      assertEquals("main", docs.get(0).get("ca").asText());
      assertEquals("edge", docs.get(1).get("ca").asText());
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
      try {
        WorkflowClient client = WorkflowClient.newInstance(stubs);
        for (JsonNode doc : docs) {
          String id = doc.get("workflowId").asText();
          assertTrue(doc.get("started").asBoolean() && id.startsWith("backup-" + doc.get("ca").asText() + "-"), doc.toString());
          // each its own run, as `backup --ca` starts it; no worker here, so it waits to be taken
          WorkflowStub run = client.newUntypedWorkflowStub(id);
          assertEquals("BackupWorkflow", run.describe().getWorkflowExecutionInfo().getType().getName());
          assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
              run.describe().getWorkflowExecutionInfo().getStatus());
          run.terminate("test");
        }
      } finally {
        stubs.shutdownNow();
      }
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
