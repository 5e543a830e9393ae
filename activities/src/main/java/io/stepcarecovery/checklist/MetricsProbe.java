package io.stepcarecovery.checklist;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.metrics.RunbookMetrics;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the worker's periodic probe for its metrics: each CA's health (GET /health only,
 * no nonce: it must not write to the CA's database), its intermediate's expiry as its TLS endpoint
 * presents it, and the expiry of the certificate each configured service serves now. Read-only:
 * it never stops, starts or changes anything. A value it cannot read keeps its last one (a
 * certificate expires when it expires, whether or not the probe reached it this time).
 */
public final class MetricsProbe {
  private static final Logger log = LoggerFactory.getLogger(MetricsProbe.class);
  private static final Duration TIMEOUT = CaSide.TIMEOUT;
  private final StepcaRecoveryConfig config;
  private final RunbookMetrics metrics;
  private final List<CaConfig> probed;

  /** Probes every configured CA (a worker that runs the workflows, or the only one). */
  public MetricsProbe(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    this(config, metrics, config.cas());
  }

  private MetricsProbe(StepcaRecoveryConfig config, RunbookMetrics metrics, List<CaConfig> probed) {
    this.config = config;
    this.metrics = metrics;
    this.probed = probed;
  }

  /**
   * Probes only the CAs on these hosts: a {@code --hosts-only} worker of one CA host. Another
   * host's CA may be unreachable from here, or its root absent, and a 0 for {@code stepca_ca_up}
   * from a worker that cannot see it would only be noise beside the right one.
   */
  public static MetricsProbe onHosts(StepcaRecoveryConfig config, RunbookMetrics metrics, List<String> hosts) {
    return new MetricsProbe(config, metrics, config.cas().stream().filter(c -> hosts.contains(c.host())).toList());
  }

  public void probeOnce() {
    for (CaConfig c : probed) {
      boolean up = LiveHealth.of(c, false).healthy();
      metrics.caUp(c.name(), up);
      if (up) {
        intermediate(c);
      }
    }
    for (String url : config.services()) {
      service(url);
    }
  }

  private void intermediate(CaConfig c) {
    try {
      List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
      chain.stream().skip(1).filter(x -> x.getBasicConstraints() >= 0 && !TlsProbe.isSelfSigned(x)).findFirst()
          .ifPresent(x -> metrics.intermediateExpiry(c.name(), x.getNotAfter().toInstant()));
    } catch (IOException | RuntimeException e) {
      log.debug("metrics probe: intermediate of CA {}: {}", c.name(), e.getMessage());
    }
  }

  private void service(String url) {
    List<X509Certificate> chain;
    try {
      chain = TlsProbe.presentedChain(url, TIMEOUT);
    } catch (IOException | RuntimeException e) {
      log.debug("metrics probe: service {}: {}", url, e.getMessage());
      return;
    }
    String ca = issuingCa(chain);
    if (ca != null) {
      metrics.serviceCertificateExpiry(ca, label(url), chain.get(0).getNotAfter().toInstant());
    }
  }

  /**
   * The configured CA whose root the served chain leads to (checked at the leaf's own notBefore,
   * so an expired certificate still finds its CA); the only CA when there is one.
   */
  String issuingCa(List<X509Certificate> chain) {
    return PresentedCertificates.issuingCa(config, chain);
  }

  /** The service as people name it: its host, and the port when not 443. */
  static String label(String url) {
    URI u = URI.create(url);
    return u.getPort() > 0 && u.getPort() != 443 ? u.getHost() + ":" + u.getPort() : u.getHost();
  }
}
