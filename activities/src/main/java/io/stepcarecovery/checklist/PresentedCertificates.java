package io.stepcarecovery.checklist;

import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When the certificates that keep the platform working expire, read without changing anything:
 * each configured service's served leaf (a TLS handshake that trusts anything: an expired or
 * foreign certificate is exactly what must be seen) and a CA's intermediate. For {@code overview}.
 */
public final class PresentedCertificates {
  private static final Duration TIMEOUT = CaSide.TIMEOUT;

  /**
   * A service's certificate as served now.
   *
   * @param ca the configured CA its chain leads to; the only CA when there is one; null when unknown
   * @param notAfter null when nothing could be read ({@code problem} says why)
   */
  public record Served(String url, String ca, Instant notAfter, String problem) {}

  /**
   * A CA's intermediate expiry and where it was read.
   *
   * @param source "its TLS endpoint" or "ca.json's crt" (the file, when the CA does not answer)
   */
  public record Intermediate(Instant notAfter, String source) {}

  private PresentedCertificates() {}

  /** Each configured service, in config order. */
  public static List<Served> services(StepcaRecoveryConfig config) {
    List<Served> out = new ArrayList<>();
    for (String url : config.services()) {
      try {
        List<X509Certificate> chain = TlsProbe.presentedChain(url, TIMEOUT);
        out.add(new Served(url, issuingCa(config, chain), chain.get(0).getNotAfter().toInstant(), null));
      } catch (IOException | RuntimeException e) {
        out.add(new Served(url, config.cas().size() == 1 ? config.cas().get(0).name() : null, null,
            "TLS handshake failed: " + (e instanceof IOException io ? CheckText.describe(io)
                : CheckText.message(String.valueOf(e.getMessage())))));
      }
    }
    return out;
  }

  /**
   * The intermediate the CA's TLS endpoint presents; when it does not answer, the one its ca.json
   * names, if this host can read it (the CA host); else null.
   */
  public static Intermediate intermediate(CaConfig c) {
    try {
      List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
      for (X509Certificate x : chain.subList(1, chain.size())) {
        if (x.getBasicConstraints() >= 0 && !TlsProbe.isSelfSigned(x)) {
          return new Intermediate(x.getNotAfter().toInstant(), "its TLS endpoint");
        }
      }
    } catch (IOException | RuntimeException down) {
      // read from disk below
    }
    try {
      if (c.caConfig() != null && Files.isReadable(c.caConfig())) {
        CaJson ca = CaJson.read(c.caConfig());
        if (ca.crt() != null && Files.isReadable(ca.crt())) {
          return new Intermediate(Fingerprints.certificates(ca.crt()).get(0).getNotAfter().toInstant(), ca.crt().toString());
        }
      }
    } catch (RuntimeException unreadable) {
      // unknown: said as such
    }
    return null;
  }

  /**
   * The configured CA whose root the served chain leads to (checked at the leaf's own notBefore,
   * so an expired certificate still finds its CA, and without asking the CA: it may be down); the
   * only CA when there is one; null when none.
   */
  public static String issuingCa(StepcaRecoveryConfig config, List<X509Certificate> chain) {
    if (config.cas().size() == 1) {
      return config.cas().get(0).name();
    }
    for (CaConfig c : config.cas()) {
      try {
        List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
        if (TlsProbe.pkixProblem(chain, roots, List.of(), chain.get(0).getNotBefore().toInstant()) == null) {
          return c.name();
        }
      } catch (RuntimeException unreadableRoot) {
        // not this one
      }
    }
    return null;
  }
}
