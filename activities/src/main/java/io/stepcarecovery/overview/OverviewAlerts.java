package io.stepcarecovery.overview;

import io.stepcarecovery.checklist.Countdown;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.config.AlertThresholds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of a CA's states are alerting, by the rules of deploy/prometheus/alerts.yml and with their
 * thresholds ({@link AlertThresholds}), so that the cron check and the page agree. Like the rules,
 * a CA never drilled is not alerting (there is no drill metric to be stale); the overview shows it.
 */
public final class OverviewAlerts {
  private OverviewAlerts() {}

  /** In the order a person should act: the outage and its countdown first. */
  public static List<Alert> of(CaOverview o, AlertThresholds t, Instant now) {
    List<Alert> out = new ArrayList<>();
    String ca = "CA " + o.ca();
    Optional<Served> first = o.earliest();
    if (!o.up()) {
      out.add(new Alert("StepcaCaDown", ca + " is DOWN: " + o.health()));
      if (first.isPresent() && Duration.between(now, first.get().notAfter()).compareTo(t.tlsCountdown()) < 0) {
        Served s = first.get();
        out.add(new Alert("StepcaTlsCountdown", ca + " is down and the earliest service certificate, "
            + Countdown.line(s.url(), s.notAfter(), now) + " (" + s.notAfter() + "): recover the CA before then"));
      }
    }
    if (o.lastBackup() == null) {
      out.add(new Alert("StepcaBackupMissing", ca + ": no backup in any store"
          + (o.storeNote() == null ? "" : " (" + o.storeNote() + ")")));
    } else {
      Duration age = Duration.between(o.lastBackup().createdAt(), now);
      if (age.compareTo(t.backupStale()) > 0) {
        out.add(new Alert("StepcaBackupStale", ca + ": the newest backup is " + Countdown.span(age) + " old (over "
            + Countdown.span(t.backupStale()) + ")"));
      }
      if (age.compareTo(t.copyMissing()) > 0) {
        for (String copy : o.copies()) {
          if (!o.lastBackup().stores().contains(copy)) {
            String why = o.unreachable().get(copy);
            out.add(new Alert("StepcaOffsiteCopyMissing", ca + ": the newest backup, " + Countdown.span(age)
                + " old, is not on " + copy + (why == null ? "" : " (it cannot be listed: " + why + ")")));
          }
        }
      }
    }
    if (o.lastDrill() != null) {
      if (!o.lastDrill().ok()) {
        out.add(new Alert("StepcaDrillFailing", ca + ": the last drill (backup " + o.lastDrill().backupId()
            + ") FAILED" + (o.lastDrill().failure() == null ? "" : ": " + o.lastDrill().failure())));
      }
      Instant passed = o.lastDrill().lastPassedAt();
      if (passed != null && Duration.between(passed, now).compareTo(t.drillStale()) > 0) {
        out.add(new Alert("StepcaDrillStale", ca + ": no passed drill for " + Countdown.span(Duration.between(passed, now))
            + " (over " + Countdown.span(t.drillStale()) + ")"));
      }
    }
    if (o.intermediate() != null
        && Duration.between(now, o.intermediate().notAfter()).compareTo(t.intermediateExpiring()) < 0) {
      out.add(new Alert("StepcaIntermediateExpiring", ca + ": its intermediate certificate "
          + Countdown.left(o.intermediate().notAfter(), now) + " (" + o.intermediate().notAfter() + ")"));
    }
    return out;
  }
}
