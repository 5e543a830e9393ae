package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Countdown;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TLS countdown in the checklist: each service's time left in words, earliest first and above
 * everything when the CA is down, after the items in their order when it is up; and the --json fields.
 */
class TlsCountdownTest {
  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  private static final ChecklistItem DOWN = ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, "Step-CA running",
      "inactive", "Step-CA stopped", "Start it");
  private static final ChecklistItem UP = ChecklistItem.passed(ChecklistItem.SERVICE_STATUS, "Step-CA running", "active");

  private static ChecklistItem cert(String url, Duration left) {
    return ChecklistItem.passed(ChecklistItem.PLATFORM, "Traefik certificates valid", url + ": ok")
        .withExpiry(url, NOW.plus(left));
  }

  private static String printed(List<ChecklistItem> items) {
    StringWriter s = new StringWriter();
    ChecklistPrinter.print(new PrintWriter(s), items, NOW);
    return s.toString();
  }

  @Test
  void timeLeftReadsAsAPersonSaysIt() {
    assertEquals("13 h 20 min", Countdown.span(Duration.ofMinutes(13 * 60 + 20).plusSeconds(59)));
    assertEquals("2 d 4 h", Countdown.span(Duration.ofHours(52).plusMinutes(30)));
    assertEquals("45 min", Countdown.span(Duration.ofMinutes(45)));
    assertEquals("30 s", Countdown.span(Duration.ofSeconds(30)));
    assertEquals("app.internal expires in 13 h 20 min",
        Countdown.line("https://app.internal/", NOW.plus(Duration.ofMinutes(800)), NOW));
    assertEquals("app.internal:8443 EXPIRED 2 h 5 min ago",
        Countdown.line("https://app.internal:8443/x", NOW.minus(Duration.ofMinutes(125)), NOW));
  }

  @Test
  void caDown_theEarliestCertificateComesFirstAboveTheChecklist() {
    List<ChecklistItem> items = List.of(DOWN, cert("https://late.internal/", Duration.ofHours(20)),
        cert("https://app.internal/", Duration.ofMinutes(800)));
    String out = printed(items);
    assertTrue(out.startsWith("TLS COUNTDOWN: the CA is down, so no service can renew its certificate. First to"
        + " break: app.internal expires in 13 h 20 min.\n"
        + "  app.internal expires in 13 h 20 min (2026-11-30T13:20:00Z)\n"
        + "  late.internal expires in 20 h 0 min (2026-11-30T20:00:00Z)\n"), out);
    assertFalse(out.contains("Service certificates:"), "said once, at the top: " + out);
  }

  @Test
  void caRunsButIssuesNothing_theCountdownRunsAllTheSame() throws Exception {
    ChecklistItem noIssuance = ChecklistItem.failed(ChecklistItem.TRUST, "Certificate issuance functional",
        "POST /1.0/sign → HTTP 500", "database dropped", "recover");
    List<ChecklistItem> items = List.of(UP, noIssuance, cert("https://app.internal/", Duration.ofMinutes(800)));
    String out = printed(items);
    assertTrue(out.startsWith("TLS COUNTDOWN: the CA issues no certificate, so no service can renew its certificate."
        + " First to break: app.internal expires in 13 h 20 min.\n"), out);
    ObjectNode c = CountdownJson.of(items, NOW);
    assertFalse(c.get("caDown").asBoolean(), "it runs");
    assertFalse(c.get("canRenew").asBoolean(), "yet nothing renews");
    assertTrue(CountdownJson.of(List.of(UP, cert("https://app.internal/", Duration.ofHours(1))), NOW)
        .get("canRenew").asBoolean());
  }

  @Test
  void caUp_eachServiceIsListedAfterTheItemsInTheirOrder() {
    List<ChecklistItem> items = List.of(UP, cert("https://late.internal/", Duration.ofHours(20)),
        cert("https://app.internal/", Duration.ofMinutes(800)));
    String out = printed(items);
    assertFalse(out.contains("TLS COUNTDOWN"), out);
    assertTrue(out.contains("Service certificates:\n"
        + "  late.internal expires in 20 h 0 min (2026-11-30T20:00:00Z)\n"
        + "  app.internal expires in 13 h 20 min (2026-11-30T13:20:00Z)\n"
        + "All 3 checks passed.\n"), out);
  }

  @Test
  void jsonSaysTheEarliestFirstWithItsSecondsLeft() throws Exception {
    List<ChecklistItem> items = List.of(DOWN, cert("https://late.internal/", Duration.ofHours(20)),
        cert("https://app.internal/", Duration.ofMinutes(800)));
    ObjectNode c = CountdownJson.of(items, NOW);
    assertTrue(c.get("caDown").asBoolean());
    JsonNode first = c.get("services").get(0);
    assertEquals("app.internal", first.get("service").asText());
    assertEquals("https://app.internal/", first.get("url").asText());
    assertEquals("2026-11-30T13:20:00Z", first.get("expiresAt").asText());
    assertEquals(48000, first.get("secondsLeft").asLong());
    assertEquals("late.internal", c.get("services").get(1).get("service").asText());
    // each item keeps its own fields in the checklist array, and reads back (history, ResultPrinter)
    JsonNode item = Output.JSON.valueToTree(items.get(2));
    assertEquals("2026-11-30T13:20:00Z", item.get("expiresAt").asText());
    assertEquals(items.get(2), Output.JSON.treeToValue(item, ChecklistItem.class));
  }

  @Test
  void aHostileServiceNameCannotActOnTheTerminal() {
    ChecklistItem evil = ChecklistItem.passed(ChecklistItem.PLATFORM, "Traefik certificates valid", "x")
        .withExpiry("\u001b[2Jhttps://x/", NOW.plus(Duration.ofHours(1)));
    String out = printed(List.of(DOWN, evil));
    assertFalse(out.contains("\u001b"), out);
  }
}
