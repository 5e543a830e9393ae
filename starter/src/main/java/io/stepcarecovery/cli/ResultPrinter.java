package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Prints any runbook workflow's result, whatever its kind, from its JSON. */
final class ResultPrinter {
  private ResultPrinter() {}

  static int print(CommandLine cl, boolean json, String id, JsonNode result) throws Exception {
    boolean ok = !result.has("ok") || result.get("ok").asBoolean();
    JsonNode checklist = result.isArray() ? result : result.get("checklist");
    if (result.isArray()) {
      List<ChecklistItem> items = Arrays.asList(Output.JSON.treeToValue(result, ChecklistItem[].class));
      ok = items.stream().noneMatch(ChecklistItem::isFailed);
    }
    if (json) {
      ObjectNode doc = result.isObject() ? (ObjectNode) result.deepCopy() : Output.JSON.createObjectNode();
      if (!result.isObject()) {
        doc.set("checklist", result);
      }
      doc.put("ok", ok);
      doc.put("workflowId", id);
      if (checklist != null && checklist.isArray()) {
        doc.set("countdown", CountdownJson.of(Arrays.asList(Output.JSON.treeToValue(checklist, ChecklistItem[].class)),
            java.time.Instant.now()));
      }
      Output.json(cl, doc);
      return ok ? Main.OK : Main.FAILED;
    }
    PrintWriter out = cl.getOut();
    if (checklist != null && checklist.isArray()) {
      out.println();
      ChecklistPrinter.print(out, Arrays.asList(Output.JSON.treeToValue(checklist, ChecklistItem[].class)));
    }
    if (result.hasNonNull("source") && !"local".equals(result.get("source").asText())) {
      out.println(TerminalText.line("Restored from " + result.get("source").asText()));
    }
    JsonNode accounts = result.get("acmeAccounts");
    if (accounts != null && accounts.isArray() && !accounts.isEmpty()) {
      // One line per ACME account of a configured ingress: what the restored CA said, what was done.
      out.println("ACME accounts of the ingress:");
      for (JsonNode a : accounts) {
        out.println("  " + TerminalText.line(a.path("summary").asText()));
      }
    }
    LossesPrinter.print(out, result.get("losses"));
    if (result.has("message")) {
      out.println(TerminalText.lines(result.get("message").asText()));
    } else if (result.has("archive")) {
      out.println("Backup " + TerminalText.line(result.get("backupId").asText()) + " stored and verified: "
          + TerminalText.line(result.get("archive").asText()));
    }
    out.flush();
    return ok ? Main.OK : Main.FAILED;
  }
}
