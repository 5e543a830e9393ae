package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI from a shell, in embedded (break-glass) mode, against a real lab CA. */
@Tag("lab")
class BackupCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;

  @BeforeAll
  static void up() {
    lab = LabCa.up(tmp.resolve("lab"));
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  @Test
  void backupJsonPrintsExactlyOneDocumentNamingAVerifiedArchive() throws Exception {
    Cli.Run r = Cli.run("backup", "--config", lab.configFile().toString(), "--ca", "lab",
        "--reason", "cli test", "--json");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode doc = JSON.readTree(r.stdout()); // the whole of stdout is one document
    assertTrue(doc.get("ok").asBoolean());
    Path archive = Path.of(doc.get("archive").asText());
    assertTrue(Files.isRegularFile(archive));
    assertEquals(doc.get("sha256").asText(),
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive))));
    for (String field : new String[] {"backupId", "sizeBytes", "caDowntimeMillis", "rootFingerprint",
        "intermediateFingerprint", "dbType"}) {
      assertTrue(doc.hasNonNull(field), field + " in " + r.stdout());
    }
    assertTrue(lab.healthy());

    Cli.Run list = Cli.run("backups", "--config", lab.configFile().toString(), "--ca", "lab", "--json");
    assertEquals(0, list.exitCode(), list.stderr());
    JsonNode backups = JSON.readTree(list.stdout()).get("backups");
    assertEquals(doc.get("backupId").asText(), backups.get(0).get("backupId").asText());

    Cli.Run text = Cli.run("backups", "--config", lab.configFile().toString());
    assertTrue(text.stdout().contains(doc.get("backupId").asText()) && text.stdout().contains("cli test"),
        text.stdout());

    // The embedded service is gone with that command; list (no Temporal service) reads the host's record.
    Cli.Run runs = Cli.run(java.util.Map.of("TEMPORAL_ADDRESS", ""), "list", "--config", lab.configFile().toString(),
        "--json");
    assertEquals(0, runs.exitCode(), runs.stderr());
    JsonNode listed = JSON.readTree(runs.stdout());
    assertEquals("runRecords", listed.get("source").asText(), runs.stdout());
    assertEquals(lab.dir().resolve("run/runs").toString(), listed.get("directory").asText());
    JsonNode run = listed.get("runs").get(0);
    assertEquals(doc.get("workflowId").asText(), run.get("workflowId").asText(), runs.stdout());
    assertEquals("COMPLETED", run.get("status").asText());
    assertEquals("BackupWorkflow", run.get("type").asText());
    assertEquals("lab", run.get("ca").asText());
    assertTrue(run.get("summary").asText().contains(doc.get("backupId").asText()), runs.stdout());
    assertTrue(run.hasNonNull("closeTime"), runs.stdout());
  }

  @Test
  void unknownCaIsAUsageErrorWithOneClearLine() throws Exception {
    Cli.Run r = Cli.run("backup", "--config", lab.configFile().toString(), "--ca", "nope");
    assertEquals(2, r.exitCode());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("unknown CA 'nope'") && r.stderr().contains("lab"), r.stderr());
  }

  @Test
  void missingConfigFileIsAUsageError() throws Exception {
    Cli.Run r = Cli.run("backup", "--config", tmp.resolve("absent.yaml").toString(), "--json");
    assertEquals(2, r.exitCode());
    JsonNode doc = JSON.readTree(r.stdout());
    assertEquals(false, doc.get("ok").asBoolean());
    assertTrue(doc.get("error").asText().contains("absent.yaml"), r.stdout());
  }

  @Test
  void workerWithoutTemporalAddressSaysWhatToDo() throws Exception {
    Cli.Run r = Cli.run("worker", "--config", lab.configFile().toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("--temporal"), r.stderr());
  }

  @Test
  void helpWorksEverywhere() throws Exception {
    for (String[] args : new String[][] {{"--help"}, {"backup", "--help"}, {"backups", "--help"},
        {"worker", "--help"}}) {
      Cli.Run r = Cli.run(args);
      assertEquals(0, r.exitCode(), String.join(" ", args));
      assertTrue(r.stdout().contains("Usage: stepca-recovery"), r.stdout());
    }
    Cli.Run none = Cli.run();
    assertEquals(2, none.exitCode());
  }
}
