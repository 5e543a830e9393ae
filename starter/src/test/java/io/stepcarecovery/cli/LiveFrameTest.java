package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.progress.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The live view at several widths with long details: each step one row, cut to the width, a retry
 * changing its own row, the frame drawn again in place; checked on a small terminal model that
 * wraps at the last column as a real one does (so a row too long would show as a broken frame).
 */
class LiveFrameTest {
  private static final String LONG_PATH = "/var/lib/step-ca/" + "very-long-directory-name/".repeat(12) + "ca.json";
  private static final String LONG_FAILURE = "GET https://ca.internal:9000/health: connect timed out after 5000 ms"
      + " (Connection refused: ca.internal/10.0.0.7:9000); " + "the CA is still starting ".repeat(8);

  private static List<Step> steps(int attemptOfStep3) {
    List<Step> s = new ArrayList<>();
    s.add(new Step(1, "Restore CA data", "lab on localhost", Step.State.DONE,
        "backup 20261129T170000Z-3f2a (1.2 MiB) put in place of " + LONG_PATH));
    s.add(new Step(2, "Start CA", "lab on localhost", Step.State.DONE, "running 18037"));
    s.add(new Step(3, "Check the ACME directory", "https://ca.internal:9000/acme/acme/directory",
        attemptOfStep3 == 0 ? Step.State.PENDING : Step.State.RUNNING, "waiting for " + LONG_PATH));
    s.add(new Step(4, "Validate certificate issuance", "https://ca.internal:9000", Step.State.PENDING, ""));
    s.add(new Step(5, "Restart ingress · nginx 中文名字 ✓ é", "nginx", Step.State.PENDING, ""));
    s.add(new Step(6, "Application HTTPS", "https://app.internal", Step.State.FAILED, LONG_FAILURE));
    return s;
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 80, 132})
  void everyStepIsOneRowCutToTheWidthWithItsAttemptAndFailureAtTheFront(int width) {
    List<String> lines = ProgressView.render(steps(3), Map.of(3, 0L), 61_000L,
        new ProgressView.Attempt(3, LONG_FAILURE), width);
    assertEquals(6, lines.size());
    for (String l : lines) {
      assertTrue(Columns.width(l) <= width, width + " columns: " + Columns.width(l) + " in " + l);
      assertFalse(l.contains("\n") || l.contains("\r") || l.contains("\033"), l);
    }
    assertTrue(lines.get(5).endsWith(Columns.ELLIPSIS), "a long failure is cut, and says so: " + lines.get(5));
    assertTrue(lines.get(2).startsWith("  ▶ 3."), lines.get(2));
    if (width >= 80) {
      assertTrue(lines.get(2).contains("(running, 61 s, attempt 3) last try failed: G"), lines.get(2));
    }
    if (width == 132) {
      assertTrue(lines.get(2).contains("last try failed: GET https://ca.internal:9000/health"), lines.get(2));
      assertEquals("  · 4. Validate certificate issuance · https://ca.internal:9000  (pending)", lines.get(3),
          "a line that fits is not touched");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 80, 132})
  void retriesRedrawnInPlaceLeaveEachStepOnceAndNoRowWrapped(int width) {
    TerminalSize size = new TerminalSize(24, width);
    Screen screen = new Screen(24, width);
    screen.write("Recover CA lab\n");
    int drawn = 0;
    for (int attempt = 0; attempt <= 6; attempt++) {
      List<String> lines = ProgressView.render(steps(attempt), Map.of(3, 0L), attempt * 1000L,
          attempt < 2 ? null : new ProgressView.Attempt(attempt, LONG_FAILURE + attempt), width - 1);
      screen.write(LiveFrame.frame(lines, size, drawn));
      drawn = lines.size();
    }
    List<String> rows = screen.rows();
    for (int n = 1; n <= 6; n++) {
      String prefix = n + ". ";
      long times = rows.stream().filter(r -> r.length() > 4 && r.substring(4).startsWith(prefix)).count();
      assertEquals(1, times, "step " + n + " once at " + width + " columns:\n" + String.join("\n", rows));
    }
    assertFalse(screen.wrapped, "no row reached the last column at " + width + ":\n" + String.join("\n", rows));
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("  ▶ 3.")), String.join("\n", rows));
    if (width >= 80) {
      assertTrue(rows.stream().anyMatch(r -> r.contains("attempt 6")), "the latest attempt: " + String.join("\n", rows));
      assertFalse(rows.stream().anyMatch(r -> r.contains("attempt 5")), "the earlier one gone: " + String.join("\n", rows));
    }
  }

  @Test
  void aQuestionPausesTheFrameAndIsNeverWrittenOver() {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    Screen screen = new Screen(24, 80);
    TerminalSize size = new TerminalSize(24, 80);
    LiveFrame frame = new LiveFrame(out).activate();
    try {
      frame.draw(ProgressView.render(steps(1), Map.of(), 0, null), size);
      try (LiveFrame.Paused quiet = LiveFrame.pause()) {
        text.write("Replace the live data of CA lab with backup latest?\nType 'yes': yes\n");
        frame.draw(ProgressView.render(steps(2), Map.of(), 0, null), size); // a redraw while asked: none
      }
      frame.draw(ProgressView.render(steps(3), Map.of(), 0, null), size);
      frame.draw(ProgressView.render(steps(4), Map.of(), 0, null), size);
    } finally {
      frame.deactivate();
    }
    screen.write(text.toString());
    List<String> rows = screen.rows();
    assertEquals("Replace the live data of CA lab with backup latest?", rows.get(0), String.join("\n", rows));
    assertEquals("Type 'yes': yes", rows.get(1), String.join("\n", rows));
    assertEquals(1, rows.stream().filter(r -> r.startsWith("  ✓ 1.")).count(), String.join("\n", rows));
    assertTrue(rows.get(2).startsWith("  ✓ 1."), "the frame goes on below the answer: " + String.join("\n", rows));
    // without an active frame a question pauses nothing
    int before = text.toString().length();
    try (LiveFrame.Paused none = LiveFrame.pause()) {
      assertEquals(before, text.toString().length(), "nothing erased when no frame is live");
    }
  }

  @Test
  void aSizeFromOutsideIsParsedStrictlyAndClamped() {
    assertEquals(new TerminalSize(24, 80), TerminalSize.parse("24 80\n"));
    assertEquals(new TerminalSize(40, 132), TerminalSize.parse("40 132"));
    assertEquals(TerminalSize.MAX_COLUMNS, TerminalSize.parse("50 99999999").columns());
    assertEquals(TerminalSize.MIN_COLUMNS, TerminalSize.parse("50 3").columns());
    assertEquals(TerminalSize.MIN_ROWS, TerminalSize.parse("1 80").rows());
    assertNull(TerminalSize.parse("0 0"), "an unsized pseudo-terminal");
    assertNull(TerminalSize.parse("24 -80"));
    assertNull(TerminalSize.parse("24 80 1"));
    assertNull(TerminalSize.parse("24 8e1"));
    assertNull(TerminalSize.parse(""));
    assertNull(TerminalSize.parse("24 99999999999999999999"));
  }

  @Test
  void wideAndCombiningCharactersAreCountedAsTheTerminalDrawsThem() {
    assertEquals(4, Columns.width("中文"));
    assertEquals(1, Columns.width("e\u0301"));
    assertEquals("中…", Columns.cut("中文字", 4));
    assertEquals("abc", Columns.cut("abc", 3));
    assertEquals("ab…", Columns.cut("abcd", 3));
    assertEquals("", Columns.cut("abcd", 0));
  }

  /** A terminal's screen, enough of it to see frames: printable text wraps at the last column. */
  private static final class Screen {
    final int width;
    final List<StringBuilder> rows = new ArrayList<>();
    int row;
    int col;
    boolean wrapped;

    Screen(int height, int width) {
      this.width = width;
      rows.add(new StringBuilder());
    }

    void write(String s) {
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        if (cp == 0x1b) {
          int end = i + 1;
          while (!Character.isLetter(s.charAt(end))) {
            end++;
          }
          String args = s.substring(i + 1, end);
          switch (s.charAt(end)) {
            case 'A' -> row = Math.max(0, row - Integer.parseInt(args));
            case 'K' -> rows.get(row).setLength(0);
            case 'J' -> {
              rows.get(row).setLength(Math.min(rows.get(row).length(), col));
              while (rows.size() > row + 1) {
                rows.remove(rows.size() - 1);
              }
            }
            default -> throw new AssertionError("unexpected escape " + s.charAt(end));
          }
          i = end + 1;
        } else if (cp == '\r') {
          col = 0;
        } else if (cp == '\n') {
          newline();
        } else {
          int w = Columns.width(cp);
          if (col + w >= width) {
            wrapped = true; // a real terminal would wrap (now or at the next character)
          }
          if (col + w > width) {
            newline();
          }
          rows.get(row).appendCodePoint(cp); // every row is cleared before it is written
          col += w;
        }
      }
    }

    private void newline() {
      row++;
      col = 0;
      while (rows.size() <= row) {
        rows.add(new StringBuilder());
      }
    }

    List<String> rows() {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.toString()));
      while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
        out.remove(out.size() - 1);
      }
      return out;
    }
  }
}
