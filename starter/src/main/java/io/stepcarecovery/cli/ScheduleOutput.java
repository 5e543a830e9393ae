package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.text.TerminalText;
import picocli.CommandLine;

/** What a schedule subcommand that changes one schedule prints: a line, or {"ok", "id", "action"}. */
final class ScheduleOutput {
  private ScheduleOutput() {}

  static void done(CommandLine cl, boolean json, String id, String action, String line) {
    if (json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", true);
      doc.put("id", id);
      doc.put("action", action);
      Output.json(cl, doc);
    } else {
      cl.getOut().println(TerminalText.line(line));
      cl.getOut().flush();
    }
  }
}
