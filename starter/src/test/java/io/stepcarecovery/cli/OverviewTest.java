package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.checklist.PresentedCertificates.Intermediate;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.config.AlertThresholds;
import io.stepcarecovery.overview.Alert;
import io.stepcarecovery.overview.CaOverview;
import io.stepcarecovery.overview.CaOverview.LastBackup;
import io.stepcarecovery.overview.CaOverview.LastDrill;
import io.stepcarecovery.overview.OverviewAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code overview}'s judgement and text without a lab: each alert fires exactly past the alert
 * rules' threshold, the row reads as a person says it, hostile store text cannot act on the
 * terminal, rows fit the terminal while alerts wrap whole, and --json carries what scripts compare.
 */
class OverviewTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final AlertThresholds T = AlertThresholds.DEFAULTS;
  private static final String SFTP = "sftp://backup@vault/srv/stepca";

  private static Served served(String url, Duration left) {
    return new Served(url, "lab", NOW.plus(left), null);
  }

  /** A CA in good shape: up, backed up 1 h ago on both stores, drilled yesterday, a year of intermediate. */
  private static CaOverview fine() {
    return new CaOverview("lab", "https://localhost:9000", true, "GET /health → ok", List.of(SFTP),
        new LastBackup("b1", NOW.minus(Duration.ofHours(1)), List.of("local", SFTP)), Map.of(), null,
        new LastDrill("b1", NOW.minus(Duration.ofDays(1)), true, 4200, NOW.minus(Duration.ofDays(1)), null),
        new Intermediate(NOW.plus(Duration.ofDays(365)), "its TLS endpoint"),
        List.of(served("https://late.internal/", Duration.ofHours(20)),
            served("https://app.internal/", Duration.ofMinutes(320))));
  }

  private static CaOverview with(CaOverview o, boolean up, LastBackup b, LastDrill d, Intermediate i) {
    return new CaOverview(o.ca(), o.url(), up, up ? o.health() : "GET https://localhost:9000/health → ConnectException:"
        + " Connection refused", o.copies(), b, o.unreachable(), o.storeNote(), d, i, o.services());
  }

  private static List<String> rules(CaOverview o) {
    return OverviewAlerts.of(o, T, NOW).stream().map(Alert::rule).toList();
  }

  @Test
  void aCaInGoodShapeAlertsNothing() {
    assertEquals(List.of(), rules(fine()));
  }

  @Test
  void caDownNamesItselfAndTheEarliestCertificateWithinTheCountdown() {
    CaOverview down = with(fine(), false, fine().lastBackup(), fine().lastDrill(), null);
    List<Alert> alerts = OverviewAlerts.of(down, T, NOW);
    assertEquals(List.of("StepcaCaDown", "StepcaTlsCountdown"), alerts.stream().map(Alert::rule).toList());
    assertEquals("CA lab is DOWN: GET https://localhost:9000/health → ConnectException: Connection refused",
        alerts.get(0).text());
    assertEquals("CA lab is down and the earliest service certificate, app.internal expires in 5 h 20 min"
        + " (2026-11-30T17:20:00Z): recover the CA before then", alerts.get(1).text());
    // beyond the 12 h countdown the outage alerts, the countdown does not yet
    CaOverview far = new CaOverview("lab", down.url(), false, down.health(), down.copies(), down.lastBackup(),
        Map.of(), null, down.lastDrill(), null, List.of(served("https://app.internal/", Duration.ofHours(13))));
    assertEquals(List.of("StepcaCaDown"), rules(far));
  }

  @Test
  void backupAlertsFireOnlyPastTheRulesThresholds() {
    LastBackup at26h = new LastBackup("b", NOW.minus(Duration.ofHours(26)), List.of("local", SFTP));
    assertEquals(List.of(), rules(with(fine(), true, at26h, fine().lastDrill(), fine().intermediate())));
    LastBackup past = new LastBackup("b", NOW.minus(Duration.ofHours(26).plusSeconds(1)), List.of("local", SFTP));
    assertEquals(List.of("StepcaBackupStale"), rules(with(fine(), true, past, fine().lastDrill(), fine().intermediate())));
    assertEquals(List.of("StepcaBackupMissing"), rules(with(fine(), true, null, fine().lastDrill(), fine().intermediate())));
    // not on the off-host store: quiet for the copy's 2 h, alerting after
    LastBackup localOnly = new LastBackup("b", NOW.minus(Duration.ofHours(2)), List.of("local"));
    assertEquals(List.of(), rules(with(fine(), true, localOnly, fine().lastDrill(), fine().intermediate())));
    LastBackup lateCopy = new LastBackup("b", NOW.minus(Duration.ofHours(3)), List.of("local"));
    List<Alert> a = OverviewAlerts.of(with(fine(), true, lateCopy, fine().lastDrill(), fine().intermediate()), T, NOW);
    assertEquals("StepcaOffsiteCopyMissing", a.get(0).rule());
    assertTrue(a.get(0).text().contains("is not on " + SFTP), a.get(0).text());
  }

  @Test
  void drillAndIntermediateAlerts() {
    LastDrill failed = new LastDrill("b1", NOW.minus(Duration.ofHours(1)), false, -1, NOW.minus(Duration.ofDays(1)),
        "Certificate issuance functional: timeout");
    List<Alert> a = OverviewAlerts.of(with(fine(), true, fine().lastBackup(), failed, fine().intermediate()), T, NOW);
    assertEquals(List.of("StepcaDrillFailing"), a.stream().map(Alert::rule).toList());
    assertTrue(a.get(0).text().endsWith("FAILED: Certificate issuance functional: timeout"), a.get(0).text());
    LastDrill old = new LastDrill("b1", NOW.minus(Duration.ofDays(9)), true, 4200, NOW.minus(Duration.ofDays(9)), null);
    assertEquals(List.of("StepcaDrillStale"), rules(with(fine(), true, fine().lastBackup(), old, fine().intermediate())));
    assertEquals(List.of(), rules(with(fine(), true, fine().lastBackup(), null, fine().intermediate())),
        "never drilled: shown, not alerting, as the rules (no drill metric to be stale)");
    Intermediate soon = new Intermediate(NOW.plus(Duration.ofDays(29)), "its TLS endpoint");
    assertEquals(List.of("StepcaIntermediateExpiring"), rules(with(fine(), true, fine().lastBackup(), fine().lastDrill(), soon)));
  }

  @Test
  void oneRowPerCaAsAPersonReadsIt() {
    CaOverview down = with(fine(), false, fine().lastBackup(), fine().lastDrill(), null);
    List<OverviewTable.Row> rows = List.of(new OverviewTable.Row(fine(), List.of()),
        new OverviewTable.Row(new CaOverview("edge", down.url(), false, down.health(), down.copies(), down.lastBackup(),
            Map.of(), null, down.lastDrill(), null, down.services()), OverviewAlerts.of(down, T, NOW)));
    List<String> lines = OverviewTable.lines(rows, List.of(), NOW, OverviewTable.UNLIMITED);
    assertEquals("CA    HEALTH  LAST BACKUP                                           LAST DRILL                  "
        + "INTERMEDIATE          EARLIEST SERVICE CERTIFICATE", lines.get(0));
    assertEquals("lab   up      1 h 0 min ago: local, sftp://backup@vault/srv/stepca  ok, RTO 4.2 s, 1 d 0 h ago  "
        + "expires in 365 d 0 h  app.internal expires in 5 h 20 min", lines.get(1));
    assertTrue(lines.get(2).startsWith("edge  DOWN    1 h 0 min ago"), lines.get(2));
    assertTrue(lines.get(2).contains("unknown"), lines.get(2));
    assertTrue(lines.get(3).startsWith("  ! CA lab is DOWN: GET https://localhost:9000/health"), lines.get(3));
    assertTrue(lines.get(4).startsWith("  ! CA lab is down and the earliest service certificate, app.internal expires"
        + " in 5 h 20 min"), lines.get(4));
    assertEquals("1 of 2 CAs ALERTING (2 alerts).", lines.get(lines.size() - 1));
    assertEquals("Nothing alerting on 1 CA.", OverviewTable.lines(List.of(rows.get(0)), List.of(), NOW,
        OverviewTable.UNLIMITED).get(2));
  }

  @Test
  void aServiceOfNoConfiguredCaIsSaidOnceAndAlertsNothing() {
    List<Served> other = List.of(new Served("https://foreign.internal/", null, NOW.plus(Duration.ofDays(60)), null),
        new Served("https://gone.internal/", null, null, "TLS handshake failed: connection refused"));
    List<String> lines = OverviewTable.lines(List.of(new OverviewTable.Row(fine(), List.of())), other, NOW,
        OverviewTable.UNLIMITED);
    assertEquals(List.of("  ? https://foreign.internal/: its certificate leads to no configured CA's root; expires in 60 d 0 h",
        "  ? https://gone.internal/: TLS handshake failed: connection refused", "Nothing alerting on 1 CA."),
        lines.subList(2, 5));
    JsonNode doc = OverviewJson.of(List.of(new OverviewTable.Row(fine(), List.of())), other, T, NOW);
    assertTrue(doc.get("ok").asBoolean());
    assertEquals("foreign.internal", doc.get("unattributedServices").get(0).get("service").asText());
    assertTrue(doc.get("unattributedServices").get(1).get("expiresAt").isNull());
  }

  @Test
  void rowsFitTheTerminalAndAlertsWrapWhole() {
    CaOverview down = with(fine(), false, fine().lastBackup(), fine().lastDrill(), null);
    List<OverviewTable.Row> rows = List.of(new OverviewTable.Row(down, OverviewAlerts.of(down, T, NOW)));
    List<String> lines = OverviewTable.lines(rows, List.of(), NOW, 60);
    for (String l : lines) {
      assertTrue(Columns.width(l) <= 60, l);
    }
    assertTrue(lines.get(1).endsWith(Columns.ELLIPSIS), "a row is cut: " + lines.get(1));
    String alerts = String.join(" ", lines.subList(2, lines.size() - 1)).replaceAll(" +", " ");
    assertTrue(alerts.contains("app.internal expires in 5 h 20 min (2026-11-30T17:20:00Z): recover the CA before"
        + " then"), "nothing of an alert is lost: " + lines);
  }

  @Test
  void aCaDownBeforeItsCountdownAlertsStillShowsTheEarliestExpiryOnItsOwnLine() {
    CaOverview far = new CaOverview("lab", "https://localhost:9000", false, "GET /health → ConnectException",
        List.of(), fine().lastBackup(), Map.of(), null, null, null, List.of(served("https://app.internal/",
            Duration.ofHours(13)), served("https://late.internal/", Duration.ofHours(20))));
    List<OverviewTable.Row> rows = List.of(new OverviewTable.Row(far, OverviewAlerts.of(far, T, NOW)));
    List<String> lines = OverviewTable.lines(rows, List.of(), NOW, 80);
    assertTrue(lines.get(1).endsWith(Columns.ELLIPSIS), "80 columns cut the row's last column: " + lines.get(1));
    assertTrue(lines.contains("  · down, nothing renews; first to expire: app.internal expires in 13 h 0 min"),
        String.join("\n", lines));
    assertTrue(lines.contains("    (2026-12-01T01:00:00Z)"), String.join("\n", lines));
    // up, or with the countdown alert firing (which says it), no such line
    assertFalse(String.join("\n", OverviewTable.lines(List.of(new OverviewTable.Row(fine(), List.of())), List.of(),
        NOW, 80)).contains("nothing renews"));
    CaOverview near = with(fine(), false, fine().lastBackup(), fine().lastDrill(), null);
    assertFalse(String.join("\n", OverviewTable.lines(List.of(new OverviewTable.Row(near,
        OverviewAlerts.of(near, T, NOW))), List.of(), NOW, 80)).contains("nothing renews"));
  }

  @Test
  void hostileStoreTextCannotActOnTheTerminal() {
    String evil = "sftp://x/\u001b[2J\nFORGED ROW";
    CaOverview o = new CaOverview("lab", "https://localhost:9000", true, "ok", List.of(evil),
        new LastBackup("b", NOW.minus(Duration.ofHours(3)), List.of("local", evil)), Map.of(), null, null, null, List.of());
    List<Alert> a = OverviewAlerts.of(new CaOverview("lab", o.url(), true, "ok", List.of(evil),
        new LastBackup("b", NOW.minus(Duration.ofHours(3)), List.of("local")), Map.of(evil, "\u001b]0;owned\u0007"), null,
        null, null, List.of()), T, NOW);
    String out = String.join("\n", OverviewTable.lines(List.of(new OverviewTable.Row(o, a)), List.of(), NOW,
        OverviewTable.UNLIMITED));
    assertFalse(out.contains("\u001b") || out.contains("\u0007"), out);
    assertFalse(out.contains("\nFORGED ROW"), out);
  }

  @Test
  void jsonCarriesTimesSecondsAndTheRuleOfEachAlert() {
    CaOverview down = with(fine(), false, fine().lastBackup(), fine().lastDrill(), null);
    JsonNode doc = OverviewJson.of(List.of(new OverviewTable.Row(down, OverviewAlerts.of(down, T, NOW))),
        List.of(), T, NOW);
    assertFalse(doc.get("ok").asBoolean());
    assertEquals(12 * 3600, doc.get("thresholds").get("tlsCountdownSeconds").asLong());
    JsonNode ca = doc.get("cas").get(0);
    assertEquals("lab", ca.get("ca").asText());
    assertFalse(ca.get("health").get("up").asBoolean());
    assertEquals(3600, ca.get("lastBackup").get("ageSeconds").asLong());
    assertEquals(List.of("local", SFTP), List.of(ca.get("lastBackup").get("stores").get(0).asText(),
        ca.get("lastBackup").get("stores").get(1).asText()));
    assertEquals(4200, ca.get("lastDrill").get("rtoMillis").asLong());
    assertTrue(ca.get("intermediate").isNull());
    assertEquals("app.internal", ca.get("earliestService").get("service").asText());
    assertEquals("2026-11-30T17:20:00Z", ca.get("earliestService").get("expiresAt").asText());
    assertEquals(19200, ca.get("earliestService").get("secondsLeft").asLong());
    assertEquals("StepcaTlsCountdown", ca.get("alerts").get(1).get("rule").asText());
  }
}
