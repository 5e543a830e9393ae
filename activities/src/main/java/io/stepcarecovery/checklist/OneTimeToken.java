package io.stepcarecovery.checklist;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.PasswordBasedDecrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * step-ca's JWK one-time token, as {@code step ca token} makes it. The provisioner's private key
 * lives in ca.json as a compact JWE (PBES2-HS256+A128KW; enc A256GCM, older files A128GCM)
 * encrypted with the provisioner password.
 *
 * <p>Nothing this class throws or returns as text contains the password, the key or the token:
 * failures are reported with fixed messages.
 */
final class OneTimeToken {
  static final Duration LIFETIME = Duration.ofMinutes(5);

  /** The JWE did not decrypt with the password: the password is wrong (or the JWE is damaged). */
  static final class WrongPasswordException extends Exception {
    WrongPasswordException(String message) {
      super(message);
    }
  }

  private OneTimeToken() {}

  /**
   * Decrypts the provisioner key. The password bytes are zeroed afterwards.
   *
   * @throws WrongPasswordException when the JWE does not decrypt or holds no EC private key
   */
  static ECKey decryptKey(String encryptedKey, byte[] password) throws WrongPasswordException {
    try {
      JWEObject jwe;
      try {
        jwe = JWEObject.parse(encryptedKey);
      } catch (java.text.ParseException e) {
        throw new WrongPasswordException("the provisioner's encryptedKey in ca.json is not a compact JWE");
      }
      try {
        jwe.decrypt(new PasswordBasedDecrypter(password));
      } catch (Exception e) {
        // No cause and no message kept: nimbus' messages are safe, but a stack trace in a log is not the place to look.
        throw new WrongPasswordException("the provisioner password does not decrypt the provisioner key");
      }
      JWK jwk;
      try {
        jwk = JWK.parse(jwe.getPayload().toString());
      } catch (Exception e) {
        throw new WrongPasswordException("the decrypted provisioner key is not a JWK");
      }
      if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
        throw new WrongPasswordException("the decrypted provisioner key is not an EC private key");
      }
      return ec;
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  /**
   * A signed token for {@code POST <caUrl>/1.0/sign}: header {alg: ES256, kid, typ: JWT}; claims
   * iss = provisioner, aud = caUrl + "/1.0/sign", sub = subject, sans, sha = hex SHA-256 of the
   * root's DER, jti random, iat = nbf = now, exp = now + 5 min.
   */
  static String mint(ECKey key, String kid, String provisioner, String caUrl, String subject,
      List<String> sans, X509Certificate root, Instant now) throws Exception {
    byte[] jti = new byte[32];
    new SecureRandom().nextBytes(jti);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(provisioner)
        .audience(audience(caUrl))
        .subject(subject)
        .claim("sans", sans)
        .claim("sha", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded())))
        .jwtID(HexFormat.of().formatHex(jti))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .build();
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  /**
   * step-ca 0.19 accepts, for a sign token, {@code https://<each dnsName>/1.0/sign} (also
   * {@code /sign}), compared with the port stripped (authority/config GetAudiences,
   * provisioner.matchesAudience). So the configured url works when its host is in dnsNames.
   */
  static String audience(String caUrl) {
    return caUrl.replaceAll("/+$", "") + "/1.0/sign";
  }
}
