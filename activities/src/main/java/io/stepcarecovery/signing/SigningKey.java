package io.stepcarecovery.signing;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.encryption.SecretKeyFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;

/**
 * The OpenPGP private key backups are signed with ({@code backups.signWith}, with an optional
 * {@code backups.signPassphraseFile}), on the CA host only. It writes detached binary signatures
 * ({@code gpg --detach-sign} makes the same kind; {@code gpg --verify FILE.sig FILE} checks them).
 * Neither the key nor the passphrase leaves this class: errors name files and fingerprints.
 */
public final class SigningKey {
  private final Path file;
  private final PGPPublicKey primary;
  private final PGPPublicKey signing;
  private final PGPPrivateKey key;

  private SigningKey(Path file, PGPPublicKey primary, PGPPublicKey signing, PGPPrivateKey key) {
    this.file = file;
    this.primary = primary;
    this.signing = signing;
    this.key = key;
  }

  /**
   * Reads an armored or binary secret key file ({@code gpg --export-secret-keys}) and unlocks its
   * signing key, so a wrong file or passphrase stops a backup before the CA is stopped.
   */
  public static SigningKey load(Path file, Path passphraseFile) {
    List<PGPSecretKeyRing> rings = SecretKeyFile.read(file, "backups.signWith",
        "it must be the private signing key (gpg --armor --export-secret-keys KEYID > " + file + "); the"
            + " public key belongs in backups.verifyWith on the restoring host",
        "export the signing key there (gpg --armor --export-secret-keys KEYID > " + file + ")");
    if (rings.size() != 1) {
      throw new ConfigException("backups.signWith " + file + " holds " + rings.size() + " OpenPGP keys;"
          + " it must hold exactly the one key backups are signed with");
    }
    PGPSecretKeyRing ring = rings.get(0);
    PGPPublicKey primary = ring.getPublicKey();
    if (primary.hasRevocation() || OpenPgpKeys.expired(primary)) {
      throw new ConfigException("backups.signWith " + file + ": key " + OpenPgpKeys.fingerprint(primary)
          + " is " + (primary.hasRevocation() ? "revoked" : "expired") + "; export a current key");
    }
    PGPSecretKey chosen = null;
    for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
      PGPSecretKey k = it.next();
      PGPPublicKey pk = k.getPublicKey();
      // Newest usable signing key wins, as gpg chooses; a stub (smartcard, not exported) cannot sign.
      if (!k.isPrivateKeyEmpty() && !pk.hasRevocation() && !OpenPgpKeys.expired(pk)
          && OpenPgpKeys.signsData(pk, primary)
          && (chosen == null || !pk.getCreationTime().before(chosen.getPublicKey().getCreationTime()))) {
        chosen = k;
      }
    }
    if (chosen == null) {
      throw new ConfigException("backups.signWith " + file + ": key " + OpenPgpKeys.fingerprint(primary)
          + " has no usable signing key with its secret part here (expired, revoked, encryption-only,"
          + " or on a smartcard); export a key that can sign");
    }
    if (passphraseFile != null && !Files.isReadable(passphraseFile)) {
      throw new ConfigException("backups.signPassphraseFile " + passphraseFile
          + " does not exist or is not readable by the worker's user");
    }
    return new SigningKey(file, primary, chosen.getPublicKey(), unlock(file, chosen, passphraseFile));
  }

  private static PGPPrivateKey unlock(Path file, PGPSecretKey secret, Path passphraseFile) {
    char[] passphrase = null;
    try {
      if (passphraseFile != null) {
        // The first line, as gpg --passphrase-file reads it.
        String s = Files.readString(passphraseFile, StandardCharsets.UTF_8);
        passphrase = s.lines().findFirst().orElse("").toCharArray();
      }
      return secret.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
          .build(passphrase == null ? new char[0] : passphrase));
    } catch (PGPException e) {
      throw new ConfigException("cannot unlock the signing key in backups.signWith " + file
          + (passphraseFile == null ? ": it is protected by a passphrase; set"
              + " backups.signPassphraseFile to a file holding it"
              : " with the passphrase in " + passphraseFile + " (wrong passphrase?)"));
    } catch (IOException e) {
      throw new ConfigException("cannot read backups.signPassphraseFile " + passphraseFile + ": "
          + e.getMessage());
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
    }
  }

  public Path file() {
    return file;
  }

  /** The primary key's fingerprint: what {@code backups.verifyWith} names, and the record holds. */
  public String fingerprint() {
    return OpenPgpKeys.fingerprint(primary);
  }

  /** Through the JDK's own providers where they know the key (see OpenPgpKeys.inTheJdk). */
  private PGPSignatureGenerator generator() throws PGPException {
    PGPSignatureGenerator gen = new PGPSignatureGenerator(OpenPgpKeys.inTheJdk(signing)
        ? new JcaPGPContentSignerBuilder(signing.getAlgorithm(), HashAlgorithmTags.SHA512)
        : new BcPGPContentSignerBuilder(signing.getAlgorithm(), HashAlgorithmTags.SHA512), signing);
    gen.init(PGPSignature.BINARY_DOCUMENT, key);
    return gen;
  }

  /**
   * Writes a detached binary signature over every byte of {@code data} to {@code signature}
   * (owner-only, replaced if present), then checks it over the file again. SHA-512; the
   * issuer's fingerprint is in the hashed area.
   */
  public void sign(Path data, Path signature, LongConsumer progress) throws IOException {
    PGPSignature sig;
    try {
      PGPSignatureGenerator gen = generator();
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, new Date());
      hashed.setIssuerFingerprint(false, signing);
      gen.setHashedSubpackets(hashed.generate());
      PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
      unhashed.setIssuerKeyID(false, signing.getKeyID());
      gen.setUnhashedSubpackets(unhashed.generate());
      byte[] buf = new byte[1 << 16];
      long read = 0;
      try (InputStream in = Files.newInputStream(data)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          gen.update(buf, 0, n);
          read += n;
          progress.accept(read);
        }
      }
      sig = gen.generate();
    } catch (PGPException | org.bouncycastle.openpgp.PGPRuntimeOperationException e) {
      throw new IOException("cannot sign " + data + " with key " + fingerprint() + " (backups.signWith "
          + file + "): " + e.getMessage(), e);
    }
    Files.deleteIfExists(signature);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(signature,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      Files.setPosixFilePermissions(signature, PosixFilePermissions.fromString("rw-------"));
      sig.encode(out);
    }
    // Checked as a restoring host will check it, while the CA host can still do something about
    // it: a signature that does not verify would make the backup unusable where it is required.
    try {
      new SignatureCheck(Files.readAllBytes(signature), 0, signing, fingerprint(), signature, data.toString())
          .verifyWhole(data, progress);
    } catch (io.stepcarecovery.archive.UnsafeArchiveException e) {
      throw new IOException("the signature just made with key " + fingerprint() + " does not verify: "
          + e.getMessage(), e);
    }
  }
}
