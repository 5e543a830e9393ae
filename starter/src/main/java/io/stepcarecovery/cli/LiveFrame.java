package io.stepcarecovery.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * The steps drawn in place on a terminal: the cursor goes back up over the rows the last frame
 * took and each row is cleared and drawn again. That only works while every row is exactly one
 * screen line, so each is cut one column short of the width (never relying on how a terminal
 * wraps or defers a wrap at the last column) and a frame never has more rows than the screen.
 *
 * <p>A question at the terminal (the approval prompt) pauses the frame: the frame is erased, the
 * question is written where it was and stays, and the next frame is drawn below the answer.
 * The terminal is one per process, hence the one active frame that a question can find.
 */
final class LiveFrame {
  private static final String CSI = "\033[";
  private static volatile LiveFrame active;

  private final PrintWriter out;
  private int drawn; // rows the frame on screen takes, 0 when none (or left behind a question)
  private int pauses;

  LiveFrame(PrintWriter out) {
    this.out = out;
  }

  /** Draws these lines over the last frame, each cut to the terminal's width. */
  synchronized void draw(List<String> lines, TerminalSize size) {
    if (pauses > 0) {
      return;
    }
    out.print(frame(lines, size, drawn));
    out.flush();
    drawn = Math.min(lines.size(), size.rows() - 1);
  }

  /** The characters that replace a frame of {@code drawn} rows with these lines. */
  static String frame(List<String> lines, TerminalSize size, int drawn) {
    StringBuilder f = new StringBuilder();
    if (drawn > 0) {
      f.append(CSI).append(drawn).append('A'); // up over the last frame
    }
    f.append('\r');
    // a frame taller than the screen could not be gone back over: the last rows (the current step) stay
    int rows = Math.min(lines.size(), size.rows() - 1);
    for (String line : lines.subList(lines.size() - rows, lines.size())) {
      f.append(CSI).append("2K").append(Columns.cut(line, size.columns() - 1)).append('\n');
    }
    f.append(CSI).append('J'); // whatever a shorter frame or a resized window left below
    return f.toString();
  }

  /** Makes this the frame a question pauses (until {@link #close}). */
  LiveFrame activate() {
    active = this;
    return this;
  }

  /** Stops being the frame a question pauses. */
  void deactivate() {
    if (active == this) {
      active = null;
    }
  }

  /** A pause of the live frame while a question is asked; resumes when closed. */
  interface Paused extends AutoCloseable {
    @Override
    void close();
  }

  /** Pauses the active frame, if any: erases it and draws nothing until the pause is closed. */
  static Paused pause() {
    LiveFrame frame = active;
    if (frame == null) {
      return () -> { };
    }
    frame.erase();
    return frame::resume;
  }

  private synchronized void erase() {
    if (pauses++ == 0 && drawn > 0) {
      out.print(CSI + drawn + "A\r" + CSI + "J");
      out.flush();
    }
    drawn = 0; // the next frame starts below the question and its answer
  }

  private synchronized void resume() {
    pauses = Math.max(0, pauses - 1);
  }
}
