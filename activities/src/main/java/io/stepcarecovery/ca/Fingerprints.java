package io.stepcarecovery.ca;

import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 fingerprints of certificates, as {@code step certificate fingerprint} prints them. */
public final class Fingerprints {
  private Fingerprints() {}

  public static String ofFile(Path pem) {
    return of(firstCertificate(pem));
  }

  public static String of(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509Certificate firstCertificate(Path pem) {
    List<X509Certificate> all = certificates(pem);
    if (all.isEmpty()) {
      throw new ConfigException(pem + " holds no certificate");
    }
    return all.get(0);
  }

  public static List<X509Certificate> certificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      return certs;
    } catch (NoSuchFileException e) {
      throw new ConfigException("certificate file " + pem + " does not exist");
    } catch (IOException | CertificateException e) {
      throw new ConfigException(pem + " is not a readable PEM certificate: " + e.getMessage());
    }
  }
}
