package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.checklist.Countdown;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.config.AlertThresholds;
import io.stepcarecovery.overview.Alert;
import io.stepcarecovery.overview.CaOverview;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code overview --json}: the same facts as the table, times as ISO-8601 plus what a script
 * compares ({@code ageSeconds}, {@code secondsLeft}, negative once expired), and each CA's alerts
 * with the name of the Prometheus rule that fires on the same state.
 */
final class OverviewJson {
  private OverviewJson() {}

  static ObjectNode of(List<OverviewTable.Row> rows, List<Served> unattributed, AlertThresholds t, Instant now) {
    ObjectNode doc = Output.JSON.createObjectNode();
    doc.put("ok", rows.stream().allMatch(r -> r.alerts().isEmpty()));
    doc.put("at", now.toString());
    ObjectNode th = doc.putObject("thresholds");
    th.put("backupStaleSeconds", t.backupStale().toSeconds());
    th.put("drillStaleSeconds", t.drillStale().toSeconds());
    th.put("copyMissingSeconds", t.copyMissing().toSeconds());
    th.put("intermediateExpiringSeconds", t.intermediateExpiring().toSeconds());
    th.put("tlsCountdownSeconds", t.tlsCountdown().toSeconds());
    ArrayNode cas = doc.putArray("cas");
    for (OverviewTable.Row r : rows) {
      cas.add(ca(r.ca(), r.alerts(), now));
    }
    ArrayNode other = doc.putArray("unattributedServices");
    unattributed.forEach(s -> other.add(service(s, now)));
    return doc;
  }

  private static ObjectNode ca(CaOverview o, List<Alert> alerts, Instant now) {
    ObjectNode n = Output.JSON.createObjectNode();
    n.put("ca", o.ca());
    n.put("url", o.url());
    n.put("alerting", !alerts.isEmpty());
    n.putObject("health").put("up", o.up()).put("detail", o.health());
    if (o.lastBackup() == null) {
      n.putNull("lastBackup");
    } else {
      ObjectNode b = n.putObject("lastBackup");
      b.put("backupId", o.lastBackup().backupId());
      b.put("createdAt", o.lastBackup().createdAt().toString());
      b.put("ageSeconds", Duration.between(o.lastBackup().createdAt(), now).toSeconds());
      b.set("stores", Output.JSON.valueToTree(o.lastBackup().stores()));
    }
    n.set("copies", Output.JSON.valueToTree(o.copies()));
    n.set("unreachable", Output.JSON.valueToTree(o.unreachable()));
    n.put("storeNote", o.storeNote());
    if (o.lastDrill() == null) {
      n.putNull("lastDrill");
    } else {
      CaOverview.LastDrill d = o.lastDrill();
      ObjectNode j = n.putObject("lastDrill");
      j.put("backupId", d.backupId());
      j.put("finishedAt", d.finishedAt().toString());
      j.put("ok", d.ok());
      j.put("rtoMillis", d.rtoMillis());
      j.put("lastPassedAt", d.lastPassedAt() == null ? null : d.lastPassedAt().toString());
      j.put("failure", d.failure());
    }
    if (o.intermediate() == null) {
      n.putNull("intermediate");
    } else {
      n.putObject("intermediate").put("expiresAt", o.intermediate().notAfter().toString())
          .put("secondsLeft", Duration.between(now, o.intermediate().notAfter()).toSeconds())
          .put("source", o.intermediate().source());
    }
    o.earliest().ifPresentOrElse(s -> n.set("earliestService", service(s, now)), () -> n.putNull("earliestService"));
    ArrayNode services = n.putArray("services");
    o.services().forEach(s -> services.add(service(s, now)));
    n.set("alerts", Output.JSON.valueToTree(alerts));
    return n;
  }

  private static ObjectNode service(Served s, Instant now) {
    ObjectNode n = Output.JSON.createObjectNode();
    n.put("service", Countdown.service(s.url()));
    n.put("url", s.url());
    n.put("ca", s.ca());
    if (s.notAfter() == null) {
      n.putNull("expiresAt");
      n.putNull("secondsLeft");
    } else {
      n.put("expiresAt", s.notAfter().toString());
      n.put("secondsLeft", Duration.between(now, s.notAfter()).toSeconds());
    }
    n.put("problem", s.problem());
    return n;
  }
}
