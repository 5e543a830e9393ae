package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * This host's records of its embedded runs, in a real directory: written whole, the newest kept,
 * read back by {@code list} without a Temporal service, and whatever else lies there skipped with
 * a warning, never a crash.
 */
class RunRecordsTest {
  @TempDir Path tmp;

  private static RunRecord run(String id, String start, String status) {
    return new RunRecord(id, "BackupWorkflow", "main", start, status.equals("RUNNING") ? null : start, status,
        "backup 20261129T120000Z-abcd stored: /backups/main/x.tar.gz", ProcessHandle.current().pid());
  }

  @Test
  void aRecordIsWrittenWholeAndReadBack() throws Exception {
    RunRecords records = new RunRecords(tmp.resolve("runs"), 10);
    records.write(run("backup-main-20261129T120000Z", "2026-11-29T12:00:00Z", "RUNNING"));
    records.write(run("backup-main-20261129T120000Z", "2026-11-29T12:00:00Z", "COMPLETED"));
    try (Stream<Path> files = Files.list(tmp.resolve("runs"))) {
      assertEquals(List.of("backup-main-20261129T120000Z.json"),
          files.map(p -> p.getFileName().toString()).toList(), "one file a run, no temporary file left");
    }
    RunRecords.Read read = records.read();
    assertEquals(List.of(run("backup-main-20261129T120000Z", "2026-11-29T12:00:00Z", "COMPLETED")), read.records());
    assertTrue(read.skipped().isEmpty());
  }

  @Test
  void onlyTheNewestAreKept() throws Exception {
    RunRecords records = new RunRecords(tmp, 3);
    for (int i = 0; i < 5; i++) {
      String id = "backup-main-2026112" + i + "T120000Z";
      records.write(run(id, "2026-11-2" + i + "T12:00:00Z", "COMPLETED"));
      // file times a second apart: the order of writing, whatever the file system's resolution
      Files.setLastModifiedTime(tmp.resolve(id + ".json"), FileTime.from(Instant.parse("2026-11-2" + i + "T12:00:00Z")));
    }
    assertEquals(List.of("backup-main-20261124T120000Z", "backup-main-20261123T120000Z", "backup-main-20261122T120000Z"),
        records.read().records().stream().map(RunRecord::workflowId).toList(), "newest first, the two oldest gone");
  }

  @Test
  void whatIsNotARecordIsSkippedAndNamed() throws Exception {
    RunRecords records = new RunRecords(tmp, 50);
    records.write(run("restore-main-20261129T130000Z", "2026-11-29T13:00:00Z", "FAILED"));
    Files.writeString(tmp.resolve("torn.json"), "{\"workflowId\": \"restore-main-2026");
    Files.writeString(tmp.resolve("array.json"), "[1, 2]");
    Files.writeString(tmp.resolve("bad-status.json"), "{\"workflowId\":\"x-1\",\"type\":\"T\",\"status\":\"PWNED\","
        + "\"startTime\":\"2026-11-29T13:00:00Z\"}");
    Files.writeString(tmp.resolve("bad-time.json"), "{\"workflowId\":\"x-2\",\"type\":\"T\",\"status\":\"COMPLETED\","
        + "\"startTime\":\"yesterday\"}");
    Files.writeString(tmp.resolve("bad-id.json"), "{\"workflowId\":\"../../etc/passwd\",\"type\":\"T\","
        + "\"status\":\"COMPLETED\",\"startTime\":\"2026-11-29T13:00:00Z\"}");
    Files.writeString(tmp.resolve("wrong-type.json"), "{\"workflowId\":\"x-3\",\"type\":{\"a\":1},"
        + "\"status\":\"COMPLETED\",\"startTime\":\"2026-11-29T13:00:00Z\"}");
    Files.write(tmp.resolve("huge.json"), new byte[(int) RunRecords.MAX_BYTES + 1]);
    Files.createDirectory(tmp.resolve("dir.json"));
    Files.createSymbolicLink(tmp.resolve("link.json"), tmp.resolve("restore-main-20261129T130000Z.json"));
    Files.writeString(tmp.resolve("notes.txt"), "not a record, not read");

    RunRecords.Read read = records.read();
    assertEquals(List.of("restore-main-20261129T130000Z"), read.records().stream().map(RunRecord::workflowId).toList());
    assertEquals(List.of("array.json", "bad-id.json", "bad-status.json", "bad-time.json", "dir.json", "huge.json",
        "link.json", "torn.json", "wrong-type.json"),
        read.skipped().stream().map(s -> s.file().getFileName().toString()).sorted().toList());
    assertTrue(read.skipped().stream().anyMatch(s -> s.reason().contains("symbolic link")), read.skipped().toString());
  }

  @Test
  void aRunWhoseProcessDiedWithoutSayingHowItEndedReadsInterrupted() {
    RunRecord dead = new RunRecord("backup-main-20261129T120000Z", "BackupWorkflow", "main", "2026-11-29T12:00:00Z",
        null, "RUNNING", null, Long.MAX_VALUE);
    assertEquals("INTERRUPTED", dead.shownStatus());
    assertEquals("RUNNING", run("backup-main-20261129T120000Z", "2026-11-29T12:00:00Z", "RUNNING").shownStatus());
  }

  private record Out(int exitCode, String stdout, String stderr) {}

  private Out list(Path config, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = Stream.concat(Stream.of("list", "--config", config.toString()), Stream.of(more)).toArray(String[]::new);
    return new Out(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void listWithoutATemporalServiceShowsTheRecordsAndSaysWhereFrom() throws Exception {
    // Never a silent skip: with TEMPORAL_ADDRESS set, list would (rightly) ask that service instead.
    assertNull(System.getenv("TEMPORAL_ADDRESS"), "unset TEMPORAL_ADDRESS to run this test: it names a Temporal service");
    Path dir = tmp.resolve("records");
    Path config = tmp.resolve("config.yaml");
    Files.writeString(config, "runRecords: { dir: " + dir + " }\n" + ConfigYaml.ONE_CA);
    Out empty = list(config);
    assertEquals(0, empty.exitCode(), empty.stderr());
    assertTrue(empty.stdout().startsWith("No embedded runs in this host's run records in " + dir), empty.stdout());

    RunRecords records = new RunRecords(dir, 50);
    records.write(run("backup-main-20261129T120000Z", "2026-11-29T12:00:00Z", "COMPLETED"));
    records.write(new RunRecord("restore-main-20261129T130000Z", "RestoreWorkflow", "main", "2026-11-29T13:00:00Z",
        "2026-11-29T13:01:00Z", "CANCELED", "forged\u001b[2J line\nsecond", 1));
    Files.writeString(dir.resolve("torn.json"), "{");

    Out text = list(config);
    assertEquals(0, text.exitCode(), text.stderr());
    List<String> lines = text.stdout().lines().toList();
    assertTrue(lines.get(0).startsWith("Embedded (break-glass) runs, from this host's run records in " + dir), lines.get(0));
    assertTrue(lines.get(2).startsWith("CANCELED") && lines.get(2).contains("restore-main-20261129T130000Z"), text.stdout());
    assertEquals("    forged\\e[2J line\\nsecond", lines.get(3), "a record's text cannot move the cursor or add lines");
    assertTrue(lines.get(4).startsWith("COMPLETED") && lines.get(4).contains("backup-main-20261129T120000Z"), text.stdout());
    assertTrue(text.stderr().contains("warning: skipped " + dir.resolve("torn.json") + ": not JSON"), text.stderr());

    Out json = list(config, "--json", "--limit", "1");
    JsonNode doc = Output.JSON.readTree(json.stdout());
    assertEquals("runRecords", doc.get("source").asText());
    assertEquals(dir.toString(), doc.get("directory").asText());
    assertEquals(1, doc.get("runs").size(), "--limit applies");
    assertEquals("CANCELED", doc.get("runs").get(0).get("status").asText());
    assertEquals("torn.json", Path.of(doc.get("skipped").get(0).get("file").asText()).getFileName().toString());
    assertFalse(json.stdout().contains("pid"), "the process id is the host's business");
  }
}
