package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.checklist.Countdown;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/**
 * The runbook's validation checklist as a person reads it: grouped, ✓ passed, ✗ failed, ◐ partly
 * tested, - skipped, with what to do; and the TLS countdown, how long each service's certificate
 * has left: above everything, earliest first, when the CA is down (nobody can renew until it is
 * back, so the first expiry is when the platform breaks); else after the items, in their order.
 */
final class ChecklistPrinter {
  private ChecklistPrinter() {}

  static void print(PrintWriter out, List<ChecklistItem> items) {
    print(out, items, Instant.now());
  }

  static void print(PrintWriter out, List<ChecklistItem> items, Instant now) {
    boolean caDown = Countdown.cannotRenew(items);
    List<ChecklistItem> earliest = Countdown.earliestFirst(items);
    if (caDown && !earliest.isEmpty()) {
      ChecklistItem first = earliest.get(0);
      out.println("TLS COUNTDOWN: the CA " + (Countdown.caDown(items) ? "is down" : "issues no certificate")
          + ", so no service can renew its certificate. First to break: "
          + TerminalText.line(Countdown.line(first.service(), Countdown.expiry(first), now)) + ".");
      countdown(out, earliest, now);
      out.println();
    }
    String group = null;
    for (ChecklistItem i : items) {
      if (!i.group().equals(group)) {
        group = i.group();
        out.println(TerminalText.line(group));
      }
      String mark = switch (i.status()) {
        case ChecklistItem.PASSED -> "✓";
        case ChecklistItem.FAILED -> "✗";
        case ChecklistItem.PARTIAL -> "◐";
        default -> "-";
      };
      out.println("  " + mark + " " + TerminalText.line(i.item())
          + (i.detail() == null || i.detail().isEmpty() ? "" : " — " + TerminalText.line(i.detail())));
      if (i.isPartial()) {
        if (i.diagnosis() != null) {
          out.println("      not tested:   " + TerminalText.line(i.diagnosis()));
        }
        if (i.action() != null) {
          out.println("      to test all:  " + TerminalText.line(i.action()));
        }
      }
      if (i.isFailed()) {
        if (i.diagnosis() != null) {
          out.println("      likely cause: " + TerminalText.line(i.diagnosis()));
        }
        if (i.action() != null) {
          out.println("      action:       " + TerminalText.line(i.action()));
        }
      }
    }
    List<ChecklistItem> served = Countdown.inOrder(items);
    if (!caDown && !served.isEmpty()) {
      out.println("Service certificates:");
      countdown(out, served, now);
    }
    long failed = items.stream().filter(ChecklistItem::isFailed).count();
    // A partly tested item is never counted as passed: the tally names it.
    out.println(failed == 0 ? Checklists.tally(items) + "." : failed + " of " + items.size() + " checks FAILED.");
    out.flush();
  }

  /** "  app.internal expires in 13 h 20 min (2026-12-01T10:00:00Z)", one service a line. */
  private static void countdown(PrintWriter out, List<ChecklistItem> served, Instant now) {
    for (ChecklistItem i : served) {
      Instant at = Countdown.expiry(i);
      out.println("  " + TerminalText.line(Countdown.line(i.service(), at, now)) + " (" + at + ")");
    }
  }
}
