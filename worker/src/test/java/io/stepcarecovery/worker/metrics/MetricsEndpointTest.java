package io.stepcarecovery.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.ListenAddress;
import io.stepcarecovery.drill.DrillRecord;
import io.stepcarecovery.metrics.RunbookMetrics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  @Test
  void servesTheRunbookMetricsUnderTheirFixedNamesWithTheCaLabel() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RunbookMetrics m = new RunbookMetrics(registry);
    m.backupSucceeded("lab", "2026-11-30T00:00:00Z", 4096);
    m.backupFailed("lab");
    m.drillRecorded("lab", new DrillRecord("b1", "d1", true, "2026-11-30T01:00:00Z", 2500, 100, null));
    m.copyVerified("lab", "sftp://backup@offsite/ca", "2026-11-30T00:00:00Z");
    m.caUp("lab", false);
    m.serviceCertificateExpiry("lab", "app.internal", Instant.parse("2026-12-01T00:00:00Z"));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(new ListenAddress("127.0.0.1", 0), registry)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String body = r.body();
      assertTrue(body.contains("stepca_backup_last_success_timestamp_seconds{ca=\"lab\"} " + epoch("2026-11-30T00:00:00Z")), body);
      assertTrue(body.contains("stepca_backup_archive_bytes{ca=\"lab\"} 4096"), body);
      assertTrue(body.contains("stepca_backups_total{ca=\"lab\"} 1"), body);
      assertTrue(body.contains("stepca_backup_failures_total{ca=\"lab\"} 1"), body);
      assertTrue(body.contains("stepca_drill_last_success_timestamp_seconds{ca=\"lab\"} " + epoch("2026-11-30T01:00:00Z")), body);
      assertTrue(body.contains("stepca_drill_rto_seconds{ca=\"lab\"} 2.5"), body);
      assertTrue(body.contains("stepca_copy_last_verified_timestamp_seconds{ca=\"lab\",store=\"sftp://backup@offsite/ca\"}"), body);
      assertTrue(body.contains("stepca_ca_up{ca=\"lab\"} 0"), body);
      assertTrue(body.contains("stepca_service_certificate_expiry_timestamp_seconds{ca=\"lab\",service=\"app.internal\"}"), body);
      assertEquals("", PromtoolRun.checkMetrics(body), "promtool check metrics");
    }
  }

  private static String epoch(String instant) {
    return String.valueOf((double) Instant.parse(instant).getEpochSecond());
  }

  @Test
  void aBarePortBindsLoopbackOnly() {
    assertEquals(new ListenAddress("127.0.0.1", 9464), MetricsEndpoint.parse("9464"));
    assertEquals(new ListenAddress("0.0.0.0", 9464), MetricsEndpoint.parse("0.0.0.0:9464"));
    assertThrows(ConfigException.class, () -> MetricsEndpoint.parse("localhost"));
  }

  @Test
  void aTakenPortIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ConfigException e = assertThrows(ConfigException.class, () -> MetricsEndpoint.start(
          MetricsEndpoint.parse(String.valueOf(taken.getLocalPort())),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      assertTrue(e.getMessage().contains("another process holds the port"), e.getMessage());
    }
  }
}
