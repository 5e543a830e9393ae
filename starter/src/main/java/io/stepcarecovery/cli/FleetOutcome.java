package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one CA's run in a {@link FleetRun} ended, for the person (one line; a failure's whole
 * message goes to stderr at the end, where a long one may wrap) and the script (one JSON object).
 *
 * @param workflowId null when the run could not be started
 */
record FleetOutcome(String ca, String workflowId, boolean ok, String line, ObjectNode json) {
  static FleetOutcome failed(String ca, String workflowId, String message) {
    ObjectNode doc = Output.JSON.createObjectNode();
    doc.put("ca", ca);
    doc.put("ok", false);
    if (workflowId != null) {
      doc.put("workflowId", workflowId);
    }
    doc.put("error", message);
    return new FleetOutcome(ca, workflowId, false, "FAILED: " + message, doc);
  }

  /** Why it failed, whole. */
  String error() {
    return json.path("error").asText(line);
  }
}
