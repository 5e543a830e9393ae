package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.metrics.RunbookMetrics;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's periodic probe on the real lab: health, the intermediate's expiry and the
 * certificate the lab app serves; then the CA dies and the probe says so, while the service's
 * expiry stays known (the countdown the TLS alert needs).
 */
@Tag("lab")
class MetricsProbeLabTest {
  @TempDir Path tmp;

  @Test
  void probesHealthIntermediateAndServedCertificate_andKeepsTheExpiryWhenTheCaDies() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      StepcaRecoveryConfig config = lab.config();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      MetricsProbe probe = new MetricsProbe(config, new RunbookMetrics(registry));

      probe.probeOnce();
      assertEquals(1.0, gauge(registry, RunbookMetrics.CA_UP, "ca", "lab"));
      List<X509Certificate> caChain = TlsProbe.presentedChain(lab.caUrl(), Duration.ofSeconds(10));
      assertEquals(caChain.get(1).getNotAfter().toInstant().getEpochSecond(),
          gauge(registry, RunbookMetrics.INTERMEDIATE_EXPIRY, "ca", "lab"));
      X509Certificate app = TlsProbe.presentedChain(lab.appUrl(), Duration.ofSeconds(10)).get(0);
      String service = MetricsProbe.label(lab.appUrl());
      assertEquals(app.getNotAfter().toInstant().getEpochSecond(),
          gauge(registry, RunbookMetrics.SERVICE_CERT_EXPIRY, "ca", "lab", "service", service));

      lab.killCa();
      probe.probeOnce();
      assertEquals(0.0, gauge(registry, RunbookMetrics.CA_UP, "ca", "lab"));
      assertEquals(app.getNotAfter().toInstant().getEpochSecond(),
          gauge(registry, RunbookMetrics.SERVICE_CERT_EXPIRY, "ca", "lab", "service", service));
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name, String... tags) {
    Gauge g = registry.find(name).tags(tags).gauge();
    assertNotNull(g, name + " " + List.of(tags) + " in " + registry.getMetersAsString());
    return g.value();
  }
}
