package io.stepcarecovery.checklist;

import io.stepcarecovery.probe.HttpsClients;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;

/**
 * Looks at the certificate chain a TLS server presents, as {@code openssl s_client} does: the
 * handshake accepts whatever is offered (the chain is only looked at, never trusted), and the
 * verification against the configured root is done afterwards, step by step, so a failure can be
 * named (unknown root, incomplete chain, wrong name, expired).
 */
final class TlsProbe {
  private TlsProbe() {}

  /** The chain the server at {@code url}'s host and port presents, leaf first. */
  static List<X509Certificate> presentedChain(String url, Duration timeout) throws IOException {
    URI u = URI.create(url);
    String host = u.getHost();
    int port = u.getPort() > 0 ? u.getPort() : 443;
    List<X509Certificate> seen = new ArrayList<>();
    SSLContext ctx = HttpsClients.context(HttpsClients.watching(chain -> {
      seen.clear();
      seen.addAll(Arrays.asList(chain));
    }));
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      SSLParameters p = s.getSSLParameters();
      if (!isIpLiteral(host)) {
        p.setServerNames(List.of(new SNIHostName(host)));
      }
      s.setSSLParameters(p);
      s.startHandshake();
    }
    if (seen.isEmpty()) {
      throw new IOException("the server at " + host + ":" + port + " presented no certificate");
    }
    return List.copyOf(seen);
  }

  /**
   * Validates {@code chain} (leaf first, as presented) against {@code roots}, with
   * {@code extraIntermediates} available to fill a gap. Returns null when it verifies, else why not.
   */
  static String pkixProblem(List<X509Certificate> chain, List<X509Certificate> roots,
      Collection<X509Certificate> extraIntermediates, Instant at) {
    try {
      Set<TrustAnchor> anchors = roots.stream().map(r -> new TrustAnchor(r, null)).collect(Collectors.toSet());
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(chain.get(0));
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(java.util.Date.from(at));
      Set<X509Certificate> pool = new HashSet<>(chain);
      pool.addAll(extraIntermediates);
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      PKIXCertPathBuilderResult built = (PKIXCertPathBuilderResult)
          java.security.cert.CertPathBuilder.getInstance("PKIX").build(params);
      // The builder found a path; validate it once more explicitly (signatures, validity, basic constraints).
      CertPathValidator.getInstance("PKIX").validate(built.getCertPath(), params);
      return null;
    } catch (CertPathValidatorException e) {
      return e.getMessage();
    } catch (java.security.cert.CertPathBuilderException e) {
      return e.getMessage() == null ? "no certification path to the trusted root" : e.getMessage();
    } catch (GeneralSecurityException e) {
      return e.toString();
    }
  }

  /** True when {@code cert}'s signature verifies with {@code issuer}'s public key. */
  static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
    try {
      cert.verify(issuer.getPublicKey());
      return cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** HTTPS hostname verification (RFC 6125: SANs only, one-label wildcards, IP SANs for IP hosts). */
  static boolean hostMatches(String host, X509Certificate leaf) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return OkHostnameVerifier.INSTANCE.verify(h, leaf);
  }

  /** The names a certificate is valid for: its DNS and IP SANs. */
  static String names(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null || sans.isEmpty()) {
        return "no subject alternative names (CN " + commonName(cert) + ")";
      }
      return sans.stream().filter(s -> (Integer) s.get(0) == 2 || (Integer) s.get(0) == 7)
          .map(s -> String.valueOf(s.get(1))).collect(Collectors.joining(", "));
    } catch (java.security.cert.CertificateParsingException e) {
      return "unparseable SANs";
    }
  }

  static String commonName(X509Certificate cert) {
    String dn = cert.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return dn;
  }

  static long daysLeft(X509Certificate cert, Instant now) {
    return Duration.between(now, cert.getNotAfter().toInstant()).toDays();
  }

  /** "expires in 13 h 20 min (2026-12-01T10:00:00Z)", or "EXPIRED 2 h 5 min ago (…)": {@link Countdown}'s words. */
  static String timeLeft(X509Certificate cert, Instant now) {
    Instant notAfter = cert.getNotAfter().toInstant();
    return Countdown.left(notAfter, now) + " (" + notAfter + ")";
  }

  static boolean isSelfSigned(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && signedBy(cert, cert);
  }

  static List<X509Certificate> parsePem(String pem) throws GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  static boolean isIpLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }
}
