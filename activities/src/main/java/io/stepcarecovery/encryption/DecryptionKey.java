package io.stepcarecovery.encryption;

import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.config.ConfigException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import java.security.Provider;
import java.security.Security;

/**
 * The private key that opens encrypted backups ({@code backups.decryptKey}, with an optional
 * {@code backups.decryptPassphraseFile}), configured on the restoring host only. Neither the key
 * nor the passphrase leaves this class: errors name files and key ids, never their content.
 */
public final class DecryptionKey {
  private static final Provider BC = new BouncyCastleProvider();
  /** The JDK's own provider of AES/CFB, with the CPU's AES instructions. */
  private static final Provider JDK_AES = Security.getProvider("SunJCE");
  private final Path file;
  private final Path passphraseFile;
  private final List<PGPSecretKeyRing> rings;

  private DecryptionKey(Path file, Path passphraseFile, List<PGPSecretKeyRing> rings) {
    this.file = file;
    this.passphraseFile = passphraseFile;
    this.rings = rings;
  }

  /** Reads an armored or binary secret key file ({@code gpg --export-secret-keys}). */
  public static DecryptionKey load(Path file, Path passphraseFile) {
    List<PGPSecretKeyRing> rings = SecretKeyFile.read(file, "backups.decryptKey",
        "it must be the private key (gpg --armor --export-secret-keys KEYID)",
        "put the private key of the backups' encryption key there");
    if (rings.isEmpty()) {
      throw new ConfigException("backups.decryptKey " + file + " holds no OpenPGP private key");
    }
    if (passphraseFile != null && !Files.isReadable(passphraseFile)) {
      throw new ConfigException("backups.decryptPassphraseFile " + passphraseFile
          + " does not exist or is not readable by the worker's user");
    }
    return new DecryptionKey(file, passphraseFile, rings);
  }

  /**
   * Opens an encrypted backup: the result yields the tar.gz and, at its end, fails with an
   * {@link UnsafeArchiveException} unless the message's integrity check (MDC) holds. Nothing
   * read from it may be trusted before that end was reached.
   */
  public InputStream decrypting(InputStream raw, String what) throws IOException {
    BcPGPObjectFactory objects = new BcPGPObjectFactory(PGPUtil.getDecoderStream(raw));
    Object o = objects.nextObject();
    while (o instanceof PGPMarker) {
      o = objects.nextObject();
    }
    if (!(o instanceof PGPEncryptedDataList list)) {
      throw new UnsafeArchiveException(what + " is not an OpenPGP encrypted message");
    }
    List<String> wanted = new ArrayList<>();
    for (PGPEncryptedData ed : list) {
      if (!(ed instanceof PGPPublicKeyEncryptedData pk)) {
        continue;
      }
      wanted.add(keyId(pk.getKeyID()));
      PGPSecretKey secret = find(pk.getKeyID());
      if (secret == null) {
        continue;
      }
      if (!pk.isIntegrityProtected()) {
        throw new UnsafeArchiveException(what + " is encrypted without an integrity check: refused"
            + " (stepca-recovery always writes one; this file was made or altered by something else)");
      }
      PGPPrivateKey priv = unlock(secret);
      InputStream clear;
      try {
        // As in RecipientKey: the session key through Bouncy Castle, the data through the JDK's AES.
        clear = pk.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder()
            .setProvider(BC).setContentProvider(JDK_AES).build(priv));
      } catch (PGPException e) {
        throw new UnsafeArchiveException(what + " cannot be decrypted with the key in " + file + ": "
            + e.getMessage());
      }
      return literal(new BcPGPObjectFactory(clear), pk, what);
    }
    throw new ConfigException(what + " is encrypted to OpenPGP key id " + String.join(", ", wanted)
        + ", but backups.decryptKey " + file + " holds " + heldIds() + ": configure the private key"
        + " these backups were encrypted to");
  }

  private InputStream literal(BcPGPObjectFactory objects, PGPPublicKeyEncryptedData pk, String what)
      throws IOException {
    Object o = objects.nextObject();
    if (o instanceof PGPCompressedData compressed) {
      // Not what we write, but what gpg writes when a person re-encrypts a backup by hand.
      try {
        objects = new BcPGPObjectFactory(compressed.getDataStream());
      } catch (PGPException e) {
        throw new UnsafeArchiveException(what + ": " + e.getMessage());
      }
      o = objects.nextObject();
    }
    if (!(o instanceof PGPLiteralData data)) {
      throw new UnsafeArchiveException(what + " decrypts to something other than one file");
    }
    InputStream in = data.getInputStream();
    return new FilterInputStream(in) {
      private boolean verified;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0 && !verified) {
          try {
            if (!pk.verify()) {
              throw new UnsafeArchiveException(what + " fails its OpenPGP integrity check (MDC): it was"
                  + " altered or damaged after it was written; refused, use another backup");
            }
          } catch (PGPException e) {
            throw new UnsafeArchiveException(what + " fails its OpenPGP integrity check: " + e.getMessage());
          }
          verified = true;
        }
        return n;
      }

      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }

  private PGPSecretKey find(long keyId) {
    for (PGPSecretKeyRing ring : rings) {
      PGPSecretKey k = ring.getSecretKey(keyId);
      if (k != null) {
        return k;
      }
    }
    return null;
  }

  private PGPPrivateKey unlock(PGPSecretKey secret) {
    char[] passphrase = null;
    try {
      if (passphraseFile != null) {
        // The first line, as gpg --passphrase-file reads it.
        String s = Files.readString(passphraseFile, StandardCharsets.UTF_8);
        passphrase = s.lines().findFirst().orElse("").toCharArray();
      }
      PGPPrivateKey priv = secret.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
          new BcPGPDigestCalculatorProvider()).build(passphrase == null ? new char[0] : passphrase));
      if (priv == null) {
        throw new ConfigException("backups.decryptKey " + file + " holds only a stub of key "
            + keyId(secret.getKeyID()) + " (the secret part is on a smartcard or was not exported)");
      }
      return priv;
    } catch (PGPException e) {
      throw new ConfigException("cannot unlock the private key in backups.decryptKey " + file
          + (passphraseFile == null ? ": it is protected by a passphrase; set"
              + " backups.decryptPassphraseFile to a file holding it"
              : " with the passphrase in " + passphraseFile + " (wrong passphrase?)"));
    } catch (IOException e) {
      throw new ConfigException("cannot read backups.decryptPassphraseFile " + passphraseFile + ": "
          + e.getMessage());
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
    }
  }

  private String heldIds() {
    List<String> ids = new ArrayList<>();
    rings.forEach(r -> r.getSecretKeys().forEachRemaining(k -> ids.add(keyId(k.getKeyID()))));
    return "key id " + String.join(", ", ids);
  }

  static String keyId(long id) {
    return HexFormat.of().withUpperCase().toHexDigits(id);
  }
}
