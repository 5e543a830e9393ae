package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.worker.TemporalSession;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupWorkflow;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** How runbook steps are shown: pending, running (elapsed, attempt), done, failed; terminal or not. */
@Tag("lab")
class ProgressViewTest {
  @TempDir Path tmp;

  @Test
  void eachStateReadsAsItIs() {
    Step pending = new Step(1, "Stop CA", "lab on ca1", Step.State.PENDING, "");
    Step running = new Step(2, "Snapshot data directory", "lab on ca1", Step.State.RUNNING, "");
    Step done = new Step(3, "Start CA", "lab on ca1", Step.State.DONE, "started");
    Step failed = new Step(4, "Archive snapshot", "lab on ca1", Step.State.FAILED, "No space left on device");
    List<String> lines = ProgressView.render(List.of(pending, running, done, failed), Map.of(2, 1_000L), 13_500L,
        new ProgressView.Attempt(3, "connection refused"));
    assertEquals("  · 1. Stop CA · lab on ca1  (pending)", lines.get(0));
    assertEquals("  ▶ 2. Snapshot data directory · lab on ca1  (running, 12 s, attempt 3: last try failed:"
        + " connection refused)", lines.get(1));
    assertEquals("  ✓ 3. Start CA · lab on ca1 — started", lines.get(2));
    assertEquals("  ✗ 4. Archive snapshot · lab on ca1  FAILED: No space left on device", lines.get(3));
    // a first attempt is not worth a mention
    assertFalse(ProgressView.line(running, 1_000L, 2_000L, new ProgressView.Attempt(1, null)).contains("attempt"));
  }

  @Test
  void textFromOutsideCannotBreakOrRedrawTheLine() {
    Step failed = new Step(1, "Preflight", "lab", Step.State.FAILED,
        "name '\u001b[2J' in /x\nforged\u009b");
    String line = ProgressView.line(failed, null, 0, new ProgressView.Attempt(2, "\r\u001b[1A"));
    assertEquals("  ✗ 1. Preflight · lab  FAILED: name '\\e[2J' in /x\\nforged\\x9b", line);
    Step running = new Step(2, "Stop CA", "lab", Step.State.RUNNING, "");
    assertEquals("  ▶ 2. Stop CA · lab  (running, attempt 2: last try failed: \\r\\e[1A)",
        ProgressView.line(running, null, 0, new ProgressView.Attempt(2, "\r\u001b[1A")));
  }

  @Test
  void aLiveBackupIsRedrawnInPlaceOnATerminalAndPrintedLineByLineOtherwise() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); TemporalSession session = TemporalSession.embedded(lab.config())) {
      for (Follower.Mode mode : Follower.Mode.values()) {
        StringWriter text = new StringWriter();
        String id = "backup-" + mode;
        BackupWorkflow wf = session.client().newWorkflowStub(BackupWorkflow.class,
            StartOptions.of(session, "backup", "lab", "progress " + mode, "test").toBuilder().setWorkflowId(id).build());
        WorkflowClient.start(wf::backup, new BackupRequest("lab", "progress " + mode));
        try (Follower f = new Follower(session.client(), id, new PrintWriter(text, true), mode)) {
          session.client().newUntypedWorkflowStub(id).getResult(Object.class);
        }
        String out = text.toString();
        assertTrue(out.contains("✓ 9. Prune old backups"), out);
        assertTrue(out.contains("✓ 2. Stop CA"), out);
        if (mode == Follower.Mode.TERMINAL) {
          assertTrue(out.contains("\033[2K") && out.contains("A\r\033[2K"), "redrawn in place: " + out);
          for (String row : out.split("\033\\[2K|\n")) {
            assertTrue(Columns.width(row.replaceAll("\033\\[[0-9]*[AJ]|\r", "")) < TerminalSize.ask().columns(),
                "cut to the width: " + row);
          }
        } else {
          assertTrue(out.contains("✓ 2. Stop CA · lab on localhost"), "plain lines are whole: " + out);
          assertFalse(out.contains("\033["), "no escape codes when not a terminal: " + out);
          assertEquals(1, out.lines().filter(l -> l.contains("✓ 2. Stop CA")).count(), "one line per change: " + out);
          assertFalse(out.contains("(pending)"), out);
        }
      }
    }
  }
}
