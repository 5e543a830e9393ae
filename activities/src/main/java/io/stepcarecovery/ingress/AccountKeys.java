package io.stepcarecovery.ingress;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/**
 * An ACME account's key pair from Traefik's {@code Account.PrivateKey}: base64 of the PKCS#1 DER
 * of an RSA key, which is all Traefik writes and all it reads ({@code x509.MarshalPKCS1PrivateKey}
 * / {@code ParsePKCS1PrivateKey}). The key stays in this JVM on the ingress host.
 */
final class AccountKeys {
  private AccountKeys() {}

  static KeyPair fromTraefik(String privateKeyBase64) throws GeneralSecurityException {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(privateKeyBase64);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not base64");
    }
    RSAPrivateKey k;
    try {
      k = RSAPrivateKey.getInstance(der);
    } catch (RuntimeException e) {
      // No detail: parser messages may quote bytes of the key.
      throw new GeneralSecurityException("not a PKCS#1 RSA private key (the only form Traefik reads)");
    }
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    return new KeyPair(
        rsa.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent())),
        rsa.generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(), k.getPublicExponent(),
            k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(), k.getExponent2(),
            k.getCoefficient())));
  }
}
