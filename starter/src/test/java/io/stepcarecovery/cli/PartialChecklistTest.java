package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A partly tested item (the ACME check without a challenge address) is neither a pass nor a
 * failure: the printed checklist, the tally and the JSON each say so, and "All N checks passed"
 * is printed only when each one did.
 */
class PartialChecklistTest {
  private static final ChecklistItem RUNNING =
      ChecklistItem.passed(ChecklistItem.SERVICE_STATUS, "Step-CA running", "active");
  private static final ChecklistItem ACME = ChecklistItem.partial(ChecklistItem.SERVICE_STATUS,
      "ACME endpoint reachable", "partly tested — directory, nonce, account, order for localhost passed",
      "the challenge, finalize and certificate: acme.challenge is not configured for CA lab",
      "Set acme.identifier and acme.challenge");
  private static final ChecklistItem ROOT = ChecklistItem.passed(ChecklistItem.TRUST, "Root CA trusted on clients", "ok");

  private static String printed(List<ChecklistItem> items) {
    StringWriter s = new StringWriter();
    ChecklistPrinter.print(new PrintWriter(s), items);
    return s.toString();
  }

  @Test
  void aPartialItemIsMarkedAndNotCountedAsPassed() {
    List<ChecklistItem> items = List.of(RUNNING, ACME, ROOT);
    String out = printed(items);
    assertTrue(out.contains("  ◐ ACME endpoint reachable — partly tested — directory, nonce, account, order for"
        + " localhost passed"), out);
    assertTrue(out.contains("      not tested:   the challenge, finalize and certificate"), out);
    assertTrue(out.contains("      to test all:  Set acme.identifier and acme.challenge"), out);
    assertTrue(out.endsWith("2 of 3 checks passed, 1 partly tested (ACME endpoint reachable).\n"), out);
    assertFalse(out.contains("All 3 checks passed"), out);
    assertEquals("2 of 3 checks passed, 1 partly tested (ACME endpoint reachable)", Checklists.tally(items));
    assertTrue(Checklists.allPassed(items), "a partial item is not a failure: the run is still ok");
  }

  @Test
  void allPassedIsSaidOnlyWhenEachItemPassed_skippedAndFailedAreCountedApart() {
    assertTrue(printed(List.of(RUNNING, ROOT)).endsWith("All 2 checks passed.\n"));
    ChecklistItem skipped = ChecklistItem.skipped(ChecklistItem.TRUST, "Certificate issuance functional", "no issuance block");
    assertEquals("2 of 3 checks passed, 1 skipped", Checklists.tally(List.of(RUNNING, ROOT, skipped)));
    ChecklistItem failed = ChecklistItem.failed(ChecklistItem.TRUST, "Intermediate CA valid", "expired", "d", "a");
    assertEquals("1 of 3 checks passed, 1 partly tested (ACME endpoint reachable), 1 FAILED",
        Checklists.tally(List.of(RUNNING, ACME, failed)));
    assertTrue(printed(List.of(RUNNING, ACME, failed)).endsWith("1 of 3 checks FAILED.\n"));
  }

  @Test
  void theJsonSaysPartial_withWhatWasNotTestedAndHowToTestIt() {
    JsonNode j = Output.JSON.valueToTree(ACME);
    assertEquals("partial", j.get("status").asText());
    assertEquals("the challenge, finalize and certificate: acme.challenge is not configured for CA lab",
        j.get("diagnosis").asText());
    assertEquals("Set acme.identifier and acme.challenge", j.get("action").asText());
    assertFalse(j.has("passed") || j.has("partial") || j.has("failed"), j.toString());
  }
}
