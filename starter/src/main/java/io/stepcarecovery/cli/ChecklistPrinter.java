package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.List;

/**
 * The runbook's validation checklist as a person reads it: grouped, ✓ passed, ✗ failed, ◐ partly
 * tested, - skipped, with what to do.
 */
final class ChecklistPrinter {
  private ChecklistPrinter() {}

  static void print(PrintWriter out, List<ChecklistItem> items) {
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
    long failed = items.stream().filter(ChecklistItem::isFailed).count();
    // A partly tested item is never counted as passed: the tally names it.
    out.println(failed == 0 ? Checklists.tally(items) + "." : failed + " of " + items.size() + " checks FAILED.");
    out.flush();
  }
}
