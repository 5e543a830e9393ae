package io.stepcarecovery.encryption;

import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import java.nio.file.Path;

/**
 * Which backups are encrypted and how this host opens them. An encrypted backup is named
 * {@code <id>.tar.gz.gpg} ({@code gpg --decrypt FILE | tar -xz} reads it by hand); a plain one
 * {@code <id>.tar.gz}.
 */
public final class BackupEncryption {
  public static final String SUFFIX = ".gpg";

  private BackupEncryption() {}

  public static boolean isEncrypted(Path archive) {
    return archive.getFileName().toString().endsWith(".tar.gz" + SUFFIX);
  }

  /** The recipient backups of this CA are written to, or null when they are stored in clear. */
  public static RecipientKey recipient(BackupsConfig backups) {
    return backups.encryptTo() == null ? null : RecipientKey.load(backups.encryptTo());
  }

  /** How this host reads {@code archive}: as is, or decrypted with its configured private key. */
  public static ArchiveReader.Layer reading(BackupsConfig backups, Path archive, String what) {
    if (!isEncrypted(archive)) {
      return ArchiveReader.Layer.NONE;
    }
    if (backups.decryptKey() == null) {
      throw new ConfigException(what + " is encrypted (OpenPGP), and this host has no private key"
          + " configured to open it: set backups.decryptKey (and backups.decryptPassphraseFile if the"
          + " key has a passphrase) in the config of the restoring host");
    }
    DecryptionKey key = DecryptionKey.load(backups.decryptKey(), backups.decryptPassphraseFile());
    return raw -> key.decrypting(raw, what);
  }
}
