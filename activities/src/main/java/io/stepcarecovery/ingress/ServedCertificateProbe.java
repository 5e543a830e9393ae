package io.stepcarecovery.ingress;

import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * Waits, bounded, until an ingress serves a certificate issued after a given moment: after its
 * ACME account was cleared and it was restarted, the ingress registers anew and obtains a
 * certificate, which takes it a few seconds after it starts serving.
 */
final class ServedCertificateProbe {
  /**
   * step-ca backdates notBefore by one minute by default (ca.json authority.backdate), so a
   * certificate issued at t says notBefore t-1m. Together with "none of the certificates the
   * resolver held before", this still tells an old certificate from a new one.
   */
  static final Duration BACKDATE = Duration.ofMinutes(1);

  private ServedCertificateProbe() {}

  static ServedCertificate await(String url, List<X509Certificate> roots, Instant since,
      List<String> previousSha256, Duration timeout, Runnable heartbeat) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "nothing probed";
    X509Certificate leaf = null;
    while (true) {
      heartbeat.run();
      try {
        leaf = served(url, HttpsClients.trustManager(roots));
        String sha = CertificateFacts.sha256(leaf);
        boolean fresh = !previousSha256.contains(sha) && !leaf.getNotBefore().toInstant().isBefore(since.minus(BACKDATE));
        if (fresh) {
          return result(url, leaf, true, "serves a certificate issued after the recovery started: "
              + CertificateFacts.describe(leaf));
        }
        last = "still serves " + CertificateFacts.describe(leaf) + (previousSha256.contains(sha)
            ? " (the one it held before)" : " (issued before the recovery started)");
      } catch (IOException | RuntimeException e) {
        leaf = null;
        last = "probing " + url + ": " + e.getMessage();
      }
      if (Instant.now().isAfter(deadline)) {
        String detail = "no certificate issued after the recovery started was served within "
            + timeout.toSeconds() + " s: " + last;
        return leaf == null ? new ServedCertificate(url, false, null, null, null, null, detail)
            : result(url, leaf, false, detail);
      }
      Thread.sleep(1000);
    }
  }

  private static ServedCertificate result(String url, X509Certificate leaf, boolean fresh, String detail) {
    return new ServedCertificate(url, fresh, leaf.getSubjectX500Principal().getName(),
        leaf.getSerialNumber().toString(16), leaf.getNotBefore().toInstant().toString(),
        CertificateFacts.sha256(leaf), detail);
  }

  /** The leaf the server presents, its chain verified against {@code trust} during the handshake. */
  private static X509Certificate served(String url, X509TrustManager trust) throws IOException {
    URI u = URI.create(url);
    int port = u.getPort() > 0 ? u.getPort() : 443;
    try (SSLSocket s = (SSLSocket) HttpsClients.context(trust).getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(u.getHost(), port), 5000);
      s.setSoTimeout(5000);
      SSLParameters p = s.getSSLParameters();
      if (!u.getHost().matches("[0-9.]+|\\[.*]")) {
        p.setServerNames(List.of(new SNIHostName(u.getHost())));
      }
      s.setSSLParameters(p);
      s.startHandshake();
      Certificate[] chain = s.getSession().getPeerCertificates();
      return (X509Certificate) chain[0];
    }
  }
}
