package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several CAs in one config: a served certificate belongs to the CA whose root it chains to, read
 * offline (the CA may be down) and at the leaf's own notBefore (an expired one still finds its CA);
 * a foreign one to none; with a single CA, to it.
 */
class PresentedCertificatesTest {
  private static final Instant NOW = Instant.now();
  @TempDir Path tmp;

  private record Issuer(X509Certificate cert, KeyPair keys) {}

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static Issuer root(String cn) throws Exception {
    KeyPair k = keys();
    X509Certificate c = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=" + cn), BigInteger.ONE, Date.from(NOW.minus(Duration.ofDays(1))),
        Date.from(NOW.plus(Duration.ofDays(3650))), new X500Name("CN=" + cn), k.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
    return new Issuer(c, k);
  }

  private static X509Certificate leaf(Issuer by, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair k = keys();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name(by.cert().getSubjectX500Principal().getName()), BigInteger.TWO, Date.from(notBefore),
        Date.from(notAfter), new X500Name("CN=app.internal"), k.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(by.keys().getPrivate())));
  }

  private Path pem(String name, X509Certificate c) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
        .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    return f;
  }

  private static CaConfig ca(String name, Path root) {
    return new CaConfig(name, "h-" + name, Path.of("/nonexistent/ca.json"), "https://127.0.0.1:1", root, null, null,
        null, null, null);
  }

  @Test
  void aServedCertificateBelongsToTheCaWhoseRootItChainsTo() throws Exception {
    Issuer a = root("Root A");
    Issuer b = root("Root B");
    StepcaRecoveryConfig two = new StepcaRecoveryConfig(tmp.resolve("c.yaml"), null,
        List.of(ca("alpha", pem("a.crt", a.cert())), ca("beta", pem("b.crt", b.cert()))), List.of(), List.of());
    assertEquals("beta", PresentedCertificates.issuingCa(two,
        List.of(leaf(b, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(23))))));
    assertEquals("alpha", PresentedCertificates.issuingCa(two,
        List.of(leaf(a, NOW.minus(Duration.ofHours(30)), NOW.minus(Duration.ofHours(6))))), "expired: still alpha's");
    X509Certificate foreign = leaf(root("Elsewhere"), NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)));
    assertNull(PresentedCertificates.issuingCa(two, List.of(foreign)));
    StepcaRecoveryConfig one = new StepcaRecoveryConfig(tmp.resolve("c.yaml"), null,
        List.of(ca("alpha", pem("a.crt", a.cert()))), List.of(), List.of());
    assertEquals("alpha", PresentedCertificates.issuingCa(one, List.of(foreign)), "one CA: every service is its");
  }
}
