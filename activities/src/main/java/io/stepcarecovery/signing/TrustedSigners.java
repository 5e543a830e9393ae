package io.stepcarecovery.signing;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;

/**
 * The OpenPGP public keys whose signatures this host accepts on a backup
 * ({@code backups.verifyWith}, on the restoring host): one key, or several while keys are being
 * rotated. A private key there is refused: the restoring host needs only the public half, and a
 * signing key on it would let whoever takes that host forge backups it then trusts.
 */
public final class TrustedSigners {
  /** Far above any detached signature (an RSA-16384 one is ~2 KiB); a bigger file is not one. */
  static final int MAX_SIGNATURE_BYTES = 64 << 10;
  private final Path file;
  private final List<PGPPublicKeyRing> rings;

  private TrustedSigners(Path file, List<PGPPublicKeyRing> rings) {
    this.file = file;
    this.rings = rings;
  }

  public static TrustedSigners load(Path file) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
      BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
      for (Object o; (o = objects.nextObject()) != null; ) {
        if (o instanceof PGPSecretKeyRing) {
          throw new ConfigException("backups.verifyWith " + file + " holds a PRIVATE key: give it the"
              + " public key only (gpg --armor --export KEYID > " + file + "); the signing key belongs"
              + " on the CA host alone (backups.signWith)");
        }
        if (o instanceof PGPPublicKeyRing ring) {
          rings.add(ring);
        } else if (!(o instanceof PGPMarker)) {
          throw new ConfigException("backups.verifyWith " + file + " is not an OpenPGP public key"
              + " (found " + o.getClass().getSimpleName() + ")");
        }
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("backups.verifyWith " + file + " does not exist on this host: export the"
          + " public key of the backups' signing key there (gpg --armor --export KEYID > " + file + ")");
    } catch (IOException e) {
      throw new ConfigException("backups.verifyWith " + file + " is not a readable OpenPGP public key: "
          + e.getMessage());
    }
    if (rings.isEmpty()) {
      throw new ConfigException("backups.verifyWith " + file + " holds no OpenPGP public key");
    }
    return new TrustedSigners(file, rings);
  }

  public Path file() {
    return file;
  }

  /** The primary fingerprints of the keys trusted here, for messages. */
  public String fingerprints() {
    return rings.stream().map(r -> OpenPgpKeys.fingerprint(r.getPublicKey())).collect(Collectors.joining(", "));
  }

  /** "backups.verifyWith FILE (key FP)": how messages name what this host trusts. */
  String describe() {
    return "backups.verifyWith " + file + " (key " + fingerprints() + ")";
  }

  /**
   * Reads a signature file (hostile: it sits in the store) and finds the signature made by one
   * of these keys. Refuses anything that is not detached signatures over binary data, and
   * signatures by nobody trusted here, naming who did sign.
   *
   * @return the signature's bytes and the key that must verify it
   */
  SignatureCheck signatureOver(Path sigFile, String what) {
    byte[] bytes;
    try {
      if (Files.size(sigFile) > MAX_SIGNATURE_BYTES) {
        throw new UnsafeArchiveException(what + ": its signature " + sigFile + " is larger than any"
            + " OpenPGP signature; refused");
      }
      bytes = Files.readAllBytes(sigFile);
    } catch (IOException e) {
      throw new UnsafeArchiveException(what + ": its signature " + sigFile + " cannot be read: " + e.getMessage());
    }
    List<PGPSignature> sigs = parse(bytes, sigFile, what);
    List<String> signers = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      PGPSignature s = sigs.get(i);
      signers.add(signer(s));
      for (PGPPublicKeyRing ring : rings) {
        PGPPublicKey primary = ring.getPublicKey();
        for (PGPPublicKey k : ring) {
          if (!s.hasKeyIdentifier(k.getKeyIdentifier())) {
            continue;
          }
          String fp = OpenPgpKeys.fingerprint(primary);
          if (primary.hasRevocation() || k.hasRevocation()) {
            throw new UnsafeArchiveException(what + " is signed by key " + fp + ", which is revoked in "
                + describe() + ": its signature no longer proves who made the backup; refused. Pick a"
                + " backup signed by a current key");
          }
          if (!OpenPgpKeys.signsData(k, primary)) {
            throw new UnsafeArchiveException(what + " is signed by " + OpenPgpKeys.fingerprint(k)
                + ", a subkey of " + fp + " that is not meant for signing; refused");
          }
          return new SignatureCheck(bytes, i, k, fp, sigFile, what);
        }
      }
    }
    throw new UnsafeArchiveException(what + " is signed by key " + String.join(", ", signers) + ", not by "
        + describe() + ": it was made or re-signed by someone else; refused. Pick a backup signed by "
        + fingerprints() + ", or check that backups.verifyWith is the public key of the CA host's"
        + " backups.signWith");
  }

  /** Detached signatures over binary data, and nothing else; every other shape is refused. */
  static List<PGPSignature> parse(byte[] bytes, Path sigFile, String what) {
    List<PGPSignature> out = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
      BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
      for (Object o; (o = objects.nextObject()) != null; ) {
        if (o instanceof PGPSignatureList list) {
          list.forEach(out::add);
        } else if (!(o instanceof PGPMarker)) {
          throw new IOException("it holds " + o.getClass().getSimpleName());
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnsafeArchiveException u) {
        throw u;
      }
      throw new UnsafeArchiveException(what + ": its signature " + sigFile + " is not an OpenPGP detached"
          + " signature (" + e.getMessage() + "); refused");
    }
    if (out.isEmpty()) {
      throw new UnsafeArchiveException(what + ": its signature " + sigFile + " holds no OpenPGP signature;"
          + " refused");
    }
    for (PGPSignature s : out) {
      if (s.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
        throw new UnsafeArchiveException(what + ": its signature " + sigFile + " is not a signature over"
            + " binary data (type " + s.getSignatureType() + "); refused");
      }
    }
    return out;
  }

  private static String signer(PGPSignature s) {
    IssuerFingerprint fp = s.hasSubpackets() && s.getHashedSubPackets() != null
        ? s.getHashedSubPackets().getIssuerFingerprint() : null;
    if (fp != null) {
      return java.util.HexFormat.of().withUpperCase().formatHex(fp.getFingerprint());
    }
    return "id " + OpenPgpKeys.keyId(s.getKeyID());
  }
}
