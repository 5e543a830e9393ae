package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.List;

/** The runbook's validation checklist as a person reads it: grouped, ✓ or ✗, with what to do. */
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
        default -> "-";
      };
      out.println("  " + mark + " " + TerminalText.line(i.item())
          + (i.detail() == null || i.detail().isEmpty() ? "" : " — " + TerminalText.line(i.detail())));
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
    out.println(failed == 0 ? "All " + items.size() + " checks passed." : failed + " of " + items.size() + " checks FAILED.");
    out.flush();
  }
}
