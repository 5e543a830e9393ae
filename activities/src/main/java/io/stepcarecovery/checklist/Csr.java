package io.stepcarecovery.checklist;

import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A certificate request for the issuance check: a fresh EC P-256 key (kept in memory only,
 * dropped afterwards), CN = subject and one SAN (dNSName, or iPAddress for an IP subject).
 */
record Csr(String pem, PublicKey publicKey) {

  static Csr create(String subject) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return create(subject, List.of(subject), g.generateKeyPair());
  }

  /** CN = subject, one SAN per name (iPAddress for an IP literal), signed with the key pair. */
  static Csr create(String subject, List<String> names, KeyPair kp) throws Exception {
    ExtensionsGenerator ext = new ExtensionsGenerator();
    GeneralName[] sans = names.stream()
        .map(n -> new GeneralName(TlsProbe.isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
        .toArray(GeneralName[]::new);
    ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
    PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
        new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, subject).build(), kp.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(csr);
    }
    return new Csr(sw.toString(), kp.getPublic());
  }
}
