package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a restore's or recovery's {@code losses} (what it undid and what to do) in text. */
final class LossesPrinter {
  private LossesPrinter() {}

  static void print(PrintWriter out, JsonNode losses) {
    if (losses == null || !losses.isObject()) {
      return;
    }
    out.println();
    long age = losses.path("backupAgeSeconds").asLong(-1);
    out.println("What the restore undid · backup " + TerminalText.line(losses.path("backupId").asText())
        + " made " + TerminalText.line(losses.path("backupCreatedAt").asText())
        + (age < 0 ? "" : " · backupAgeSeconds " + age));
    out.println("  " + TerminalText.line(losses.path("summary").asText()));
    if (!losses.path("undone").asBoolean(true)) {
      return;
    }
    List<String> fixed = strings(losses.path("fixedAcmeClients"));
    List<String> clients = strings(losses.path("acmeClients"));
    if (!clients.isEmpty()) {
      out.println("  ACME clients configured: " + TerminalText.line(String.join(", ", clients))
          + (fixed.isEmpty() ? "" : " · fixed: " + TerminalText.line(String.join(", ", fixed))));
    }
    int n = 1;
    for (String step : strings(losses.path("steps"))) {
      out.println("  " + n++ + ". " + TerminalText.line(step));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> all = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(s -> all.add(s.asText()));
    }
    return all;
  }
}
