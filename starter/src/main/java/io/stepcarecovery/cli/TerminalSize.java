package io.stepcarecovery.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The terminal's real size, asked of the terminal itself ({@code stty size} on /dev/tty), with
 * {@code COLUMNS}/{@code LINES} only as a fallback. Both come from outside: a size that does not
 * parse is ignored, and one out of range is clamped, so a forged {@code COLUMNS=99999999} or a
 * zero from a pseudo-terminal nobody sized cannot make the view wrap or vanish.
 */
record TerminalSize(int rows, int columns) {
  static final int MIN_COLUMNS = 20;
  static final int MAX_COLUMNS = 1000;
  static final int MIN_ROWS = 5;
  static final int MAX_ROWS = 1000;
  static final TerminalSize FALLBACK = new TerminalSize(24, 80);

  TerminalSize {
    rows = clamp(rows, MIN_ROWS, MAX_ROWS);
    columns = clamp(columns, MIN_COLUMNS, MAX_COLUMNS);
  }

  /** The size now (it changes when the window is resized, so the view asks again now and then). */
  static TerminalSize ask() {
    TerminalSize s = parse(stty());
    if (s != null) {
      return s;
    }
    Integer cols = number(System.getenv("COLUMNS"));
    Integer rows = number(System.getenv("LINES"));
    return new TerminalSize(rows == null ? FALLBACK.rows : rows, cols == null ? FALLBACK.columns : cols);
  }

  /** {@code stty size}'s answer ("ROWS COLUMNS"), or null when it is not two sane numbers. */
  static TerminalSize parse(String sttySize) {
    if (sttySize == null) {
      return null;
    }
    String[] parts = sttySize.strip().split("\\s+");
    if (parts.length != 2) {
      return null;
    }
    Integer rows = number(parts[0]);
    Integer cols = number(parts[1]);
    // 0 0 is what an unsized pseudo-terminal says: no answer rather than a 20-column view
    return rows == null || cols == null || rows == 0 || cols == 0 ? null : new TerminalSize(rows, cols);
  }

  private static Integer number(String s) {
    if (s == null || !s.strip().matches("[0-9]{1,9}")) {
      return null;
    }
    return Integer.parseInt(s.strip());
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  private static String stty() {
    File tty = new File("/dev/tty");
    if (!tty.exists()) {
      return null;
    }
    try {
      Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readNBytes(64);
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? new String(out, StandardCharsets.US_ASCII) : null;
    } catch (Exception e) {
      return null; // no controlling terminal, no stty: the fallback applies
    }
  }
}
