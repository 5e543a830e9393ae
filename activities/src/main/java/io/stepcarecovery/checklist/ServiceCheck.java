package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.PLATFORM;

import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The runbook's platform checks for one service behind the ingress: "Traefik certificates
 * valid", "No browser TLS warnings" and "Applications accessible", as a client machine that
 * trusts only the internal root sees them.
 */
final class ServiceCheck {
  static final String TRAEFIK_CERTS = "Traefik certificates valid";
  static final String NO_TLS_WARNINGS = "No browser TLS warnings";
  static final String APPS_ACCESSIBLE = "Applications accessible";
  private static final Duration TIMEOUT = CaSide.TIMEOUT;

  private ServiceCheck() {}

  static List<ChecklistItem> check(CaConfig c, Path configSource, String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("service URL '" + url + "' in " + configSource + " is not a URL: " + e.getMessage());
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new ConfigException("service URL '" + url + "' in " + configSource + ": expected https://host[:port]/...");
    }
    String host = u.getHost();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    String trustedFp = Fingerprints.of(roots.get(0));
    Instant now = Instant.now();

    List<X509Certificate> chain;
    try {
      chain = TlsProbe.presentedChain(url, TIMEOUT);
    } catch (IOException e) {
      Diagnosis d = Diagnoses.serviceUnreachable(url);
      String detail = url + ": TLS connection failed: " + CheckText.describe(e);
      return List.of(ChecklistItem.failed(PLATFORM, TRAEFIK_CERTS, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(PLATFORM, NO_TLS_WARNINGS, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, detail, d.diagnosis(), d.action()));
    }
    X509Certificate leaf = chain.get(0);
    List<X509Certificate> caIntermediates = caIntermediates(c);
    String presentedProblem = TlsProbe.pkixProblem(chain, roots, List.of(), now);
    String withCaIntermediate = presentedProblem == null ? null
        : TlsProbe.pkixProblem(chain, roots, caIntermediates, now);
    boolean issuedByCa = presentedProblem == null || caIntermediates.stream().anyMatch(i -> TlsProbe.signedBy(leaf, i));
    boolean expired = now.isAfter(leaf.getNotAfter().toInstant());
    boolean notYetValid = now.isBefore(leaf.getNotBefore().toInstant());
    String cert = url + ": " + Countdown.service(url) + " " + TlsProbe.timeLeft(leaf, now) + "; certificate for "
        + TlsProbe.names(leaf) + " issued by '"
        + leaf.getIssuerX500Principal().getName() + "'";

    // Traefik certificates valid: issued by the internal CA, complete chain, in its validity period.
    ChecklistItem certItem;
    Diagnosis certProblem = null;
    if (expired || notYetValid) {
      certProblem = Diagnoses.certificateExpired(url);
    } else if (!issuedByCa) {
      certProblem = Diagnoses.serviceCertNotFromCa(url, leaf.getIssuerX500Principal().getName());
    } else if (presentedProblem != null && withCaIntermediate == null) {
      certProblem = Diagnoses.chainIncomplete(url);
    } else if (presentedProblem != null) {
      certProblem = Diagnoses.browserRootNotTrusted(url, trustedFp);
    }
    if (certProblem == null) {
      certItem = ChecklistItem.passed(PLATFORM, TRAEFIK_CERTS, cert + "; chain of " + chain.size()
          + " verifies to the internal CA's root " + trustedFp);
    } else {
      certItem = ChecklistItem.failed(PLATFORM, TRAEFIK_CERTS, cert + (presentedProblem == null ? ""
          : "; " + presentedProblem), certProblem.diagnosis(), certProblem.action());
    }

    // No browser TLS warnings: what a browser that trusts only the internal root checks.
    ChecklistItem tlsItem;
    Diagnosis tlsProblem = null;
    String tlsDetail;
    if (presentedProblem != null) {
      tlsProblem = certProblem;
      tlsDetail = url + ": the presented chain does not verify against the configured root: " + presentedProblem;
    } else if (!TlsProbe.hostMatches(host, leaf)) {
      tlsProblem = Diagnoses.hostnameMismatch(url, host, TlsProbe.names(leaf));
      tlsDetail = url + ": host " + host + " is not among the certificate's names (" + TlsProbe.names(leaf) + ")";
    } else {
      tlsDetail = url + ": chain verifies against the configured root and the certificate names " + host;
    }
    tlsItem = tlsProblem == null ? ChecklistItem.passed(PLATFORM, NO_TLS_WARNINGS, tlsDetail)
        : ChecklistItem.failed(PLATFORM, NO_TLS_WARNINGS, tlsDetail, tlsProblem.diagnosis(), tlsProblem.action());

    // Applications accessible: an HTTPS GET as a client that trusts only the internal root.
    ChecklistItem appItem;
    OkHttpClient http = HttpsClients.trusting(roots, TIMEOUT);
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      if (r.code() < 500) {
        appItem = ChecklistItem.passed(PLATFORM, APPS_ACCESSIBLE, url + ": GET → HTTP " + r.code());
      } else {
        Diagnosis d = Diagnoses.applicationError(url, r.code());
        appItem = ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, url + ": GET → HTTP " + r.code(), d.diagnosis(),
            d.action());
      }
    } catch (IOException e) {
      Diagnosis d = e instanceof SSLException && tlsProblem != null ? tlsProblem : Diagnoses.serviceUnreachable(url);
      appItem = ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, url + ": GET failed: " + CheckText.describe(e),
          d.diagnosis(), d.action());
    }
    // The TLS countdown reads the served certificate's expiry from the certificate item.
    return List.of(certItem.withExpiry(url, leaf.getNotAfter().toInstant()), tlsItem, appItem);
  }

  /** The CA's intermediates as its TLS endpoint presents them (best effort; empty when the CA is down). */
  private static List<X509Certificate> caIntermediates(CaConfig c) {
    try {
      List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
      return chain.subList(1, chain.size()).stream().filter(x -> x.getBasicConstraints() >= 0).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
