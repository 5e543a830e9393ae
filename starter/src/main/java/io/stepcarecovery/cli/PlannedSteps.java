package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The runbook's steps drawn the moment the command starts, before the config is read and before
 * Temporal (an embedded service, or the connection to one) is up: those take seconds, and an
 * incident commander should see at once what is about to happen. Every step is shown pending;
 * the live frame replaces them with the run's own state once the workflow answers.
 */
final class PlannedSteps implements AutoCloseable {
  private final LiveFrame frame;
  private boolean closed;

  private PlannedSteps(LiveFrame frame) {
    this.frame = frame;
  }

  /** Draws the steps on a terminal; nothing otherwise (plain lines, --json, --no-wait). */
  static PlannedSteps draw(List<String> titles, PrintWriter out, boolean terminal) {
    if (!terminal || titles.isEmpty()) {
      return new PlannedSteps(null);
    }
    LiveFrame frame = new LiveFrame(out).activate(); // a question (or an error) erases it first
    TerminalSize size = TerminalSize.ask();
    frame.draw(ProgressView.render(pending(titles), Map.of(), 0, null, size.columns() - 1), size);
    return new PlannedSteps(frame);
  }

  /** The steps as the run will report them before it starts: all pending. */
  static List<Step> pending(List<String> titles) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < titles.size(); i++) {
      steps.add(new Step(i + 1, titles.get(i), "", Step.State.PENDING, ""));
    }
    return steps;
  }

  /** Erases the steps (the headline is printed where they were, the live frame below it). Idempotent. */
  @Override
  public void close() {
    if (frame != null && !closed) {
      closed = true;
      LiveFrame.pause(); // erases the active frame: this one, unless a question took over
      frame.deactivate();
    }
  }
}
