package io.stepcarecovery.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepcarecovery.drill.DrillRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runbook's metrics, recorded by the activities where the facts are known (never by workflow
 * code, which must replay without side effects). Names are Prometheus' own, fixed: the alert rules
 * in deploy/prometheus and dashboards depend on them. Timestamps are Unix seconds.
 */
public final class RunbookMetrics {
  public static final String BACKUP_LAST_SUCCESS = "stepca_backup_last_success_timestamp_seconds";
  public static final String BACKUP_DURATION = "stepca_backup_duration_seconds";
  public static final String BACKUP_ARCHIVE_BYTES = "stepca_backup_archive_bytes";
  public static final String BACKUP_CA_DOWNTIME = "stepca_backup_ca_downtime_seconds";
  /** Exported with the {@code _total} suffix Prometheus gives counters. */
  public static final String BACKUPS = "stepca_backups";
  public static final String BACKUP_FAILURES = "stepca_backup_failures";
  public static final String DRILL_LAST_SUCCESS = "stepca_drill_last_success_timestamp_seconds";
  public static final String DRILL_LAST_TIMESTAMP = "stepca_drill_last_timestamp_seconds";
  public static final String DRILL_LAST_OK = "stepca_drill_last_ok";
  public static final String DRILL_RTO = "stepca_drill_rto_seconds";
  public static final String COPY_LAST_VERIFIED = "stepca_copy_last_verified_timestamp_seconds";
  public static final String CA_UP = "stepca_ca_up";
  public static final String INTERMEDIATE_EXPIRY = "stepca_intermediate_certificate_expiry_timestamp_seconds";
  public static final String SERVICE_CERT_EXPIRY = "stepca_service_certificate_expiry_timestamp_seconds";

  private final MeterRegistry registry;
  /** Strong references: Micrometer holds a gauge's state object weakly. */
  private final Map<List<String>, Value> gauges = new ConcurrentHashMap<>();

  public RunbookMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** For the CLI's embedded worker and tests: recorded in a registry nobody scrapes. */
  public static RunbookMetrics unexported() {
    return new RunbookMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A backup is stored and verified. Its time is its {@code createdAt}, the moment its snapshot
   * was taken, so the worker's seed from the store's records after a restart gives the same value.
   */
  public void backupSucceeded(String ca, String createdAt, long archiveBytes) {
    backupSucceeded(ca, createdAt, archiveBytes, null);
  }

  /**
   * As above, with the CA downtime the backup cost ({@code caDowntimeMillis} of its record: 0 when
   * the CA was not stopped, null when not known).
   */
  public void backupSucceeded(String ca, String createdAt, long archiveBytes, Long caDowntimeMillis) {
    Instant created = instant(createdAt);
    if (created != null) {
      backupSeen(ca, created, archiveBytes, caDowntimeMillis);
      set(BACKUP_DURATION, "How long the last successful backup took, start to stored and verified",
          seconds(Duration.between(created, Instant.now())), "ca", ca);
    }
    counter(BACKUPS, "Backups stored and verified by this worker since it started", "ca", ca).increment();
  }

  /** The newest backup in the store, as the worker finds it at start (no counter moves). */
  public void backupSeen(String ca, Instant createdAt, long archiveBytes) {
    backupSeen(ca, createdAt, archiveBytes, null);
  }

  /**
   * The newest backup and the CA downtime it cost, which belongs to that backup alone: a newer
   * backup whose record does not say (written before records did) makes it unknown (NaN), not
   * the older backup's value.
   */
  public void backupSeen(String ca, Instant createdAt, long archiveBytes, Long caDowntimeMillis) {
    if (createdAt == null) {
      return;
    }
    Value last = gauge(BACKUP_LAST_SUCCESS, "When the newest successful backup's snapshot was taken", "ca", ca);
    if (last.raise(createdAt.getEpochSecond())) {
      set(BACKUP_ARCHIVE_BYTES, "Size of the newest successful backup's archive", archiveBytes, "ca", ca);
      List<String> key = List.of(BACKUP_CA_DOWNTIME, "ca", ca);
      if (caDowntimeMillis != null && caDowntimeMillis >= 0) {
        set(BACKUP_CA_DOWNTIME, "How long the CA was down for the newest successful backup (stop requested"
            + " until /health answered; 0 when it was not stopped, as for an online MySQL dump)",
            caDowntimeMillis / 1000.0, "ca", ca);
      } else if (gauges.containsKey(key)) {
        gauges.get(key).set(Double.NaN);
      }
    }
  }

  /** A step of a backup failed (each failed attempt counts: a retried step that fails twice is 2). */
  public void backupFailed(String ca) {
    counter(BACKUP_FAILURES, "Failed attempts of backup steps on this worker since it started", "ca", ca)
        .increment();
  }

  /** A drill's outcome, as recorded beside its backup (also at start, from the newest record). */
  public void drillRecorded(String ca, DrillRecord r) {
    Instant at = instant(r.finishedAt());
    if (at == null) {
      return;
    }
    Value last = gauge(DRILL_LAST_TIMESTAMP, "When the newest drill finished", "ca", ca);
    if (last.raise(at.getEpochSecond())) {
      set(DRILL_LAST_OK, "Whether the newest drill passed (1) or failed (0)", r.ok() ? 1 : 0, "ca", ca);
    }
    if (r.ok()) {
      Value ok = gauge(DRILL_LAST_SUCCESS, "When the newest passed drill finished", "ca", ca);
      if (ok.raise(at.getEpochSecond())) {
        set(DRILL_RTO, "The newest passed drill's recovery time: restore start to a CA that issues",
            r.rtoMillis() / 1000.0, "ca", ca);
      }
    }
  }

  /** A verified off-host copy: the time is the copied backup's {@code createdAt}. */
  public void copyVerified(String ca, String store, String backupCreatedAt) {
    Instant created = instant(backupCreatedAt);
    if (created == null) {
      return;
    }
    Value v = gauge(COPY_LAST_VERIFIED, "When the backup in the newest verified copy on this store was taken",
        "ca", ca, "store", store);
    v.raise(created.getEpochSecond());
  }

  public void caUp(String ca, boolean up) {
    set(CA_UP, "Whether the CA answers GET /health (the worker's periodic probe)", up ? 1 : 0, "ca", ca);
  }

  public void intermediateExpiry(String ca, Instant notAfter) {
    set(INTERMEDIATE_EXPIRY, "When the CA's intermediate certificate expires", notAfter.getEpochSecond(), "ca", ca);
  }

  public void serviceCertificateExpiry(String ca, String service, Instant notAfter) {
    set(SERVICE_CERT_EXPIRY, "When the certificate a service serves now expires", notAfter.getEpochSecond(),
        "ca", ca, "service", service);
  }

  /**
   * A record's time, or null: records are read as hostile, and a metric must never fail the
   * backup or drill it describes.
   */
  public static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private void set(String name, String help, double value, String... tags) {
    gauge(name, help, tags).set(value);
  }

  private Value gauge(String name, String help, String... tags) {
    List<String> key = new java.util.ArrayList<>(List.of(tags));
    key.add(0, name);
    return gauges.computeIfAbsent(List.copyOf(key), k -> {
      Value v = new Value();
      Gauge.builder(name, v, Value::get).description(help).tags(Tags.of(tags)).register(registry);
      return v;
    });
  }

  private Counter counter(String name, String help, String... tags) {
    return Counter.builder(name).description(help).tags(Tags.of(tags)).register(registry);
  }

  /** A gauge's current value; NaN until first set, so an unknown is never exported as 0 (= down, 1970). */
  private static final class Value {
    private volatile double value = Double.NaN;

    double get() {
      return value;
    }

    void set(double v) {
      value = v;
    }

    /** Sets {@code v} unless a later time is already there (an older record read after a newer one). */
    synchronized boolean raise(double v) {
      if (Double.isNaN(value) || v >= value) {
        value = v;
        return true;
      }
      return false;
    }
  }
}
