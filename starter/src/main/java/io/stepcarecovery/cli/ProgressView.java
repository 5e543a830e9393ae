package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import io.stepcarecovery.text.TerminalText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders runbook steps as lines a person reads: pending, running (elapsed, attempt), done, failed,
 * skipped, cancelled.
 */
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

  /**
   * The same lines, each cut to fit {@code columns}. A line too long puts first what a person
   * needs (which step, its state, the attempt, why it failed) and the target last, then ends in
   * an ellipsis instead of wrapping onto the next step's row.
   */
  static List<String> render(List<Step> steps, Map<Integer, Long> runningSince, long now, Attempt attempt,
      int columns) {
    List<String> lines = new ArrayList<>();
    for (Step s : steps) {
      lines.add(fitted(s, runningSince.get(s.number()), now, attempt, columns));
    }
    return lines;
  }

  static String fitted(Step s, Long since, long now, Attempt attempt, int columns) {
    String full = line(s, since, now, attempt);
    if (Columns.width(full) <= columns) {
      return full;
    }
    StringBuilder b = new StringBuilder("  ").append(symbol(s)).append(' ').append(s.number()).append(". ")
        .append(s.title());
    switch (s.state()) {
      case PENDING -> b.append("  (pending)");
      case RUNNING -> {
        b.append("  (running");
        if (since != null) {
          b.append(", ").append(Math.max(0, (now - since) / 1000)).append(" s");
        }
        if (attempt != null && attempt.number() > 1) {
          b.append(", attempt ").append(attempt.number()).append(')');
          if (attempt.lastFailure() != null && !attempt.lastFailure().isEmpty()) {
            b.append(" last try failed: ").append(attempt.lastFailure());
          }
        } else {
          b.append(')');
        }
        if (!s.detail().isEmpty()) {
          b.append(" — ").append(s.detail());
        }
      }
      case FAILED -> b.append("  FAILED: ").append(s.detail());
      case CANCELLED -> b.append("  cancelled").append(s.detail().isEmpty() ? "" : " — " + s.detail());
      default -> {
        if (!s.detail().isEmpty()) {
          b.append(" — ").append(s.detail());
        }
      }
    }
    if (!s.target().isEmpty()) {
      b.append(" · ").append(s.target());
    }
    return Columns.cut(TerminalText.line(b.toString()), columns);
  }

  private static String symbol(Step s) {
    return switch (s.state()) {
      case DONE -> "✓";
      case FAILED -> "✗";
      case RUNNING -> "▶";
      case SKIPPED -> "-";
      case CANCELLED -> "⊘";
      case PENDING -> "·";
    };
  }

  static String line(Step s, Long since, long now, Attempt attempt) {
    StringBuilder b = new StringBuilder("  ");
    b.append(symbol(s));
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
      case CANCELLED -> b.append("  cancelled").append(s.detail().isEmpty() ? "" : " — " + s.detail());
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
