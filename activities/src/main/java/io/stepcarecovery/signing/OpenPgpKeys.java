package io.stepcarecovery.signing;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/** What the signing side and the verifying side both ask of an OpenPGP key. */
final class OpenPgpKeys {
  private OpenPgpKeys() {}

  /** As {@code gpg --list-keys} shows it: safe to log and to put in a record. */
  static String fingerprint(PGPPublicKey k) {
    return HexFormat.of().withUpperCase().formatHex(k.getFingerprint());
  }

  static String keyId(long id) {
    return HexFormat.of().withUpperCase().toHexDigits(id);
  }

  /**
   * Whether the JDK's own providers sign and verify with this key: RSA and EdDSA, whose hashing
   * there uses the CPU's SHA instructions (2-5x Bouncy Castle's). Everything else (ECDSA on
   * brainpool curves, which the JDK dropped, DSA, ...) goes through Bouncy Castle; a JDK signer
   * for a curve it lacks would fail only when the signature is computed.
   */
  static boolean inTheJdk(PGPPublicKey k) {
    return switch (k.getAlgorithm()) {
      case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.EDDSA_LEGACY,
          PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.Ed448 -> true;
      default -> false;
    };
  }

  static boolean expired(PGPPublicKey k) {
    long valid = k.getValidSeconds();
    return valid > 0 && k.getCreationTime().toInstant().plusSeconds(valid).isBefore(Instant.now());
  }

  /**
   * Whether {@code k} may sign data: the key flags of its self-signature (primary key) or its
   * binding signature (subkey), as gpg decides. A key without any key flags (very old keys) signs
   * only if it is the primary key and its algorithm can sign.
   */
  static boolean signsData(PGPPublicKey k, PGPPublicKey primary) {
    boolean sawFlags = false;
    for (Iterator<PGPSignature> it = k.getSignatures(); it.hasNext(); ) {
      PGPSignature s = it.next();
      if (s.getKeyID() != primary.getKeyID() || !s.hasSubpackets()) {
        continue; // a third party's certification says nothing about what the key is for
      }
      PGPSignatureSubpacketVector hashed = s.getHashedSubPackets();
      if (hashed == null || hashed.getKeyFlags() == 0) {
        continue;
      }
      sawFlags = true;
      if ((hashed.getKeyFlags() & KeyFlags.SIGN_DATA) != 0) {
        return true;
      }
    }
    return !sawFlags && k.isMasterKey() && switch (k.getAlgorithm()) {
      case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.DSA,
          PublicKeyAlgorithmTags.ECDSA, PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519,
          PublicKeyAlgorithmTags.Ed448 -> true;
      default -> false;
    };
  }
}
