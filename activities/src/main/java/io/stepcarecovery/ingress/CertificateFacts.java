package io.stepcarecovery.ingress;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** Public facts about a certificate, for results and for the renewal rule. */
final class CertificateFacts {
  private CertificateFacts() {}

  /** The first certificate of a PEM bundle (the leaf, as Traefik and lego store it). */
  static X509Certificate leaf(byte[] pem) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem));
  }

  static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Due for a new certificate: expired, or less than a third of its lifetime left. Traefik's renew
   * periods are about a third of the certificate duration it is told (30 of 90 days, 4 months of a
   * year; it tests them at start), so after a restart it obtains a new one then.
   */
  static boolean due(X509Certificate c, Instant now) {
    Instant nb = c.getNotBefore().toInstant();
    Instant na = c.getNotAfter().toInstant();
    Duration third = Duration.between(nb, na).dividedBy(3);
    return !now.isBefore(na.minus(third));
  }

  static String describe(X509Certificate c) {
    return c.getSubjectX500Principal().getName() + " serial " + c.getSerialNumber().toString(16)
        + ", notBefore " + c.getNotBefore().toInstant() + ", notAfter " + c.getNotAfter().toInstant();
  }
}
