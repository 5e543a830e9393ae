package io.stepcarecovery.config;

import java.time.Duration;

/**
 * When {@code overview} calls a CA's state alerting: the same thresholds as the Prometheus rules in
 * deploy/prometheus/alerts.yml, whose values are the defaults here. The two must agree (README),
 * so that the cron check and the page say the same thing; change both together.
 *
 * @param backupStale no successful backup for longer (StepcaBackupStale, 26 h: daily plus jitter and a retry)
 * @param drillStale no passed drill for longer (StepcaDrillStale, 8 d: weekly plus a day)
 * @param copyMissing the newest backup is on no verified copy of an off-host store this long after
 *     it was taken (StepcaOffsiteCopyMissing, 2 h)
 * @param intermediateExpiring the intermediate expires within (StepcaIntermediateExpiring, 30 d)
 * @param tlsCountdown the CA is down and the earliest service certificate expires within
 *     (StepcaTlsCountdown, 12 h: half of step-ca's 24 h leaves)
 */
public record AlertThresholds(Duration backupStale, Duration drillStale, Duration copyMissing,
    Duration intermediateExpiring, Duration tlsCountdown) {
  public static final AlertThresholds DEFAULTS = new AlertThresholds(Duration.ofHours(26), Duration.ofDays(8),
      Duration.ofHours(2), Duration.ofDays(30), Duration.ofHours(12));

  /** Each unset value from {@link #DEFAULTS}. */
  public AlertThresholds orDefaults() {
    return new AlertThresholds(or(backupStale, DEFAULTS.backupStale), or(drillStale, DEFAULTS.drillStale),
        or(copyMissing, DEFAULTS.copyMissing), or(intermediateExpiring, DEFAULTS.intermediateExpiring),
        or(tlsCountdown, DEFAULTS.tlsCountdown));
  }

  private static Duration or(Duration d, Duration fallback) {
    return d == null ? fallback : d;
  }
}
