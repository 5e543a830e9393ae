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
    return Columns.cut(TerminalText.line(head(s) + state(s, since, now, attempt, true) + target(s)), columns);
  }

  static String line(Step s, Long since, long now, Attempt attempt) {
    // Titles, targets, details and failures quote text from outside (a reason, a path, a
    // manifest): a redrawn frame must stay exactly one line per step.
    return TerminalText.line(head(s) + target(s) + state(s, since, now, attempt, false));
  }

  /** {@code  ✓ 3. Start CA}: the symbol, the number and the title. */
  private static String head(Step s) {
    return "  " + symbol(s) + " " + s.number() + ". " + s.title();
  }

  private static String target(Step s) {
    return s.target().isEmpty() ? "" : " · " + s.target();
  }

  /**
   * The step's state and detail. {@code failureLast}: a retried step's last failure after the
   * closing parenthesis, where cutting the line to fit loses only the failure's end.
   */
  private static String state(Step s, Long since, long now, Attempt attempt, boolean failureLast) {
    StringBuilder b = new StringBuilder();
    switch (s.state()) {
      case PENDING -> b.append("  (pending)");
      case RUNNING -> {
        b.append("  (running");
        if (since != null) {
          b.append(", ").append(Math.max(0, (now - since) / 1000)).append(" s");
        }
        boolean retried = attempt != null && attempt.number() > 1;
        if (retried) {
          b.append(", attempt ").append(attempt.number());
        }
        String failure = retried && attempt.lastFailure() != null && !attempt.lastFailure().isEmpty()
            ? "last try failed: " + attempt.lastFailure() : null;
        if (failure == null) {
          b.append(')');
        } else if (failureLast) {
          b.append(") ").append(failure);
        } else {
          b.append(": ").append(failure).append(')');
        }
        detail(b, s);
      }
      case FAILED -> b.append("  FAILED: ").append(s.detail());
      case CANCELLED -> b.append("  cancelled").append(s.detail().isEmpty() ? "" : " — " + s.detail());
      default -> detail(b, s);
    }
    return b.toString();
  }

  private static void detail(StringBuilder b, Step s) {
    if (!s.detail().isEmpty()) {
      b.append(" — ").append(s.detail());
    }
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
}
