package io.stepcarecovery.encryption;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.archive.UnsafeArchiveException;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * The OpenPGP public key backups are encrypted to ({@code backups.encryptTo}). Only the public
 * half ever lives on the CA host; whoever holds the private key restores. The message written is
 * what {@code gpg --decrypt} expects: a public-key encrypted session key, then AES-256 data with
 * an integrity check (SEIPD v1 + MDC, read by every GnuPG since 1.4), holding one binary literal
 * packet with the tar.gz. No OpenPGP compression: the payload is already gzip.
 */
public final class RecipientKey {
  private final Path file;
  private final PGPPublicKey primary;
  private final PGPPublicKey encryptionKey;

  private RecipientKey(Path file, PGPPublicKey primary, PGPPublicKey encryptionKey) {
    this.file = file;
    this.primary = primary;
    this.encryptionKey = encryptionKey;
  }

  /** Reads an armored or binary public key file; every problem is a {@link ConfigException} naming it. */
  public static RecipientKey load(Path file) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
      BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
      for (Object o; (o = objects.nextObject()) != null; ) {
        if (o instanceof PGPSecretKeyRing) {
          throw new ConfigException("backups.encryptTo " + file + " holds a PRIVATE key: give it the"
              + " public key only (gpg --armor --export KEYID); the private key belongs on the"
              + " restoring host alone (backups.decryptKey)");
        }
        if (o instanceof PGPPublicKeyRing ring) {
          rings.add(ring);
        } else if (!(o instanceof PGPMarker)) {
          throw new ConfigException("backups.encryptTo " + file + " is not an OpenPGP public key"
              + " (found " + o.getClass().getSimpleName() + ")");
        }
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("backups.encryptTo " + file + " does not exist: export the public key"
          + " there (gpg --armor --export KEYID > " + file + ")");
    } catch (IOException e) {
      throw new ConfigException("backups.encryptTo " + file + " is not a readable OpenPGP public key: "
          + e.getMessage());
    }
    if (rings.size() != 1) {
      throw new ConfigException("backups.encryptTo " + file + " holds " + rings.size() + " OpenPGP keys;"
          + " it must hold exactly the one key backups are encrypted to");
    }
    PGPPublicKeyRing ring = rings.get(0);
    PGPPublicKey primary = ring.getPublicKey();
    if (primary.hasRevocation()) {
      throw new ConfigException("backups.encryptTo " + file + ": key " + fingerprint(primary)
          + " is revoked; export a current key");
    }
    PGPPublicKey chosen = null;
    for (PGPPublicKey k : ring) {
      // Newest usable encryption key wins, as gpg chooses.
      if (k.isEncryptionKey() && !k.hasRevocation() && !expired(k)
          && (chosen == null || !k.getCreationTime().before(chosen.getCreationTime()))) {
        chosen = k;
      }
    }
    if (chosen == null) {
      throw new ConfigException("backups.encryptTo " + file + ": key " + fingerprint(primary)
          + " has no valid encryption subkey (expired, revoked or sign-only); add or renew one");
    }
    return new RecipientKey(file, primary, chosen);
  }

  private static boolean expired(PGPPublicKey k) {
    long valid = k.getValidSeconds();
    return valid > 0 && k.getCreationTime().toInstant().plusSeconds(valid).isBefore(Instant.now());
  }

  static String fingerprint(PGPPublicKey k) {
    return HexFormat.of().withUpperCase().formatHex(k.getFingerprint());
  }

  public Path file() {
    return file;
  }

  /** The primary key's fingerprint, as {@code gpg --list-keys} shows it: safe to log. */
  public String fingerprint() {
    return fingerprint(primary);
  }

  /** The key id a message encrypted to this key names. */
  public long encryptionKeyId() {
    return encryptionKey.getKeyID();
  }

  /**
   * Checks that a stored message is addressed to this key: all a host without the private key
   * can check of an encrypted backup (its SHA-256 is checked by the caller). The content is
   * verified in full when it is decrypted, before a restore trusts it.
   */
  public void checkRecipientOf(Path archive) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
      Object o = objects.nextObject();
      while (o instanceof PGPMarker) {
        o = objects.nextObject();
      }
      if (!(o instanceof PGPEncryptedDataList list)) {
        throw new UnsafeArchiveException(archive + " is not an OpenPGP encrypted message");
      }
      for (PGPEncryptedData ed : list) {
        if (ed instanceof PGPPublicKeyEncryptedData pk && pk.getKeyID() == encryptionKeyId()) {
          return;
        }
      }
      throw new UnsafeArchiveException(archive + " is not encrypted to key " + fingerprint()
          + " (backups.encryptTo " + file + ")");
    }
  }

  /**
   * Wraps {@code target} so that what is written to the result is encrypted into it. Closing
   * the result finishes the OpenPGP packets and closes {@code target}.
   */
  public OutputStream encrypting(OutputStream target, String fileName) throws IOException {
    // The data through the JDK's AES (hardware-accelerated: ~10x Bouncy Castle's lightweight
    // engine here), the session key through Bouncy Castle, which knows every OpenPGP key type.
    PGPEncryptedDataGenerator enc = new PGPEncryptedDataGenerator(
        new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
            .setWithIntegrityPacket(true)
            .setSecureRandom(new SecureRandom()));
    enc.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(encryptionKey));
    OutputStream encrypted;
    try {
      encrypted = enc.open(target, new byte[1 << 16]);
    } catch (PGPException e) {
      throw new IOException("cannot encrypt to " + fingerprint() + ": " + e.getMessage(), e);
    }
    PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
    OutputStream plain = literal.open(encrypted, PGPLiteralData.BINARY, fileName, new Date(),
        new byte[1 << 16]);
    return new FilterOutputStream(plain) {
      private boolean closed;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        plain.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        // Innermost first: the literal packet, then the encrypted packet and its MDC, then the file.
        try (target) {
          literal.close();
          enc.close();
        }
      }
    };
  }
}
