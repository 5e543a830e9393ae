package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.text.TerminalText;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** How results and errors reach the person (text) or the script (one JSON document). */
final class Output {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static String failureMessage(Exception e) {
    if (e instanceof WorkflowFailedException wf) {
      return Failures.rootMessage(wf);
    }
    return e.getMessage();
  }

  static void json(CommandLine cl, Object document) {
    PrintWriter out = cl.getOut();
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  static ObjectNode object(Object value) {
    return JSON.valueToTree(value);
  }

  static void error(CommandLine cl, boolean json, String message, int exitCode) {
    if (json) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("ok", false);
      doc.put("exitCode", exitCode);
      doc.put("error", message);
      json(cl, doc);
    }
    // A CA left down is the one thing to read: its line starts with it, nothing before.
    boolean caDown = message != null && message.matches("(?s)CA \\S+ IS DOWN.*");
    cl.getErr().println(caDown ? TerminalText.lines(message) : "stepca-recovery: " + TerminalText.lines(message));
    cl.getErr().flush();
  }
}
