package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import io.stepcarecovery.text.TerminalText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders runbook steps as lines a person reads: pending, running (elapsed, attempt), done, failed. */
final class ProgressView {
  /** What the server says about the activity a running step is on. */
  record Attempt(int number, String lastFailure) {}

  private ProgressView() {}

  static List<String> render(List<Step> steps, Map<Integer, Long> runningSince, long now, Attempt attempt) {
    List<String> lines = new ArrayList<>();
    for (Step s : steps) {
      lines.add(line(s, runningSince.get(s.number()), now, attempt));
    }
    return lines;
  }

  static String line(Step s, Long since, long now, Attempt attempt) {
    StringBuilder b = new StringBuilder("  ");
    b.append(switch (s.state()) {
      case DONE -> "✓";
      case FAILED -> "✗";
      case RUNNING -> "▶";
      case SKIPPED -> "-";
      case PENDING -> "·";
    });
    b.append(' ').append(s.number()).append(". ").append(s.title());
    if (!s.target().isEmpty()) {
      b.append(" · ").append(s.target());
    }
    switch (s.state()) {
      case PENDING -> b.append("  (pending)");
      case RUNNING -> {
        b.append("  (running");
        if (since != null) {
          b.append(", ").append(Math.max(0, (now - since) / 1000)).append(" s");
        }
        if (attempt != null && attempt.number() > 1) {
          b.append(", attempt ").append(attempt.number());
          if (attempt.lastFailure() != null && !attempt.lastFailure().isEmpty()) {
            b.append(": last try failed: ").append(attempt.lastFailure());
          }
        }
        b.append(')');
        if (!s.detail().isEmpty()) {
          b.append(" — ").append(s.detail());
        }
      }
      case FAILED -> b.append("  FAILED: ").append(s.detail());
      default -> {
        if (!s.detail().isEmpty()) {
          b.append(" — ").append(s.detail());
        }
      }
    }
    // Titles, targets, details and failures quote text from outside (a reason, a path, a
    // manifest): a redrawn frame must stay exactly one line per step.
    return TerminalText.line(b.toString());
  }
}
