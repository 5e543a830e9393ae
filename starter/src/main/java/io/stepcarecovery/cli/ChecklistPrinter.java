package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.ChecklistItem;
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
        out.println(group);
      }
      String mark = switch (i.status()) {
        case ChecklistItem.PASSED -> "✓";
        case ChecklistItem.FAILED -> "✗";
        default -> "-";
      };
      out.println("  " + mark + " " + i.item() + (i.detail() == null || i.detail().isEmpty() ? "" : " — " + i.detail()));
      if (i.isFailed()) {
        if (i.diagnosis() != null) {
          out.println("      likely cause: " + i.diagnosis());
        }
        if (i.action() != null) {
          out.println("      action:       " + i.action());
        }
      }
    }
    long failed = items.stream().filter(ChecklistItem::isFailed).count();
    out.println(failed == 0 ? "All " + items.size() + " checks passed." : failed + " of " + items.size() + " checks FAILED.");
    out.flush();
  }
}
