package io.stepcarecovery.signing;

import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongConsumer;

/**
 * Who made a backup. With {@code backups.signWith} on the CA host, every archive gets a detached
 * OpenPGP signature over its exact stored bytes, {@code <archive>.sig} beside it ({@code gpg
 * --verify FILE.sig FILE} checks it by hand). With {@code backups.verifyWith} on the restoring
 * host, an archive is read only after its signature by one of those keys held over every byte,
 * and the read itself is checked against the same signature again.
 *
 * <p>Encryption is no substitute: anyone with the public key can encrypt a forged archive.
 */
public final class BackupSignature {
  public static final String SUFFIX = ".sig";

  private BackupSignature() {}

  /** How a restore reads an archive once its signature was checked. */
  public interface Check {
    /** No {@code backups.verifyWith} here: the archive is read as the other checks allow. */
    Check NOT_REQUIRED = inner -> inner;

    ArchiveReader.Layer around(ArchiveReader.Layer inner);
  }

  /** The signature file of an archive: {@code <archive>.sig}. */
  public static Path of(Path archive) {
    return archive.resolveSibling(archive.getFileName() + SUFFIX);
  }

  /** The key backups of this CA are signed with, or null when they are not signed. */
  public static SigningKey signer(BackupsConfig backups) {
    return backups.signWith() == null ? null : SigningKey.load(backups.signWith(), backups.signPassphraseFile());
  }

  /**
   * On the restoring host, before {@code archive} is read: with {@code backups.verifyWith} set,
   * refuses it unless its signature file is by one of those keys and holds over the whole file
   * (one plain read, nothing parsed, nothing written). The returned check wraps the real read,
   * which is held to the same signature. Without verifyWith, {@link Check#NOT_REQUIRED}.
   *
   * @param what how messages name the backup ("backup ID (PATH)")
   */
  public static Check check(BackupsConfig backups, Path archive, String what, LongConsumer progress) {
    if (backups.verifyWith() == null) {
      return Check.NOT_REQUIRED;
    }
    TrustedSigners trusted = TrustedSigners.load(backups.verifyWith());
    Path sig = of(archive);
    if (!Files.isRegularFile(sig, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnsafeArchiveException(what + " is not signed: there is no signature " + sig + " beside it,"
          + " and this host accepts only backups signed by " + trusted.describe() + "; refused."
          + " Restore a backup made with backups.signWith set on the CA host; if you trust this one"
          + " anyway, remove backups.verifyWith from this host's config for this restore");
    }
    SignatureCheck check = trusted.signatureOver(sig, what);
    check.verifyWhole(archive, progress);
    return check;
  }

  /**
   * With backups.verifyWith set, the record's claims that choose a backup (its id, CA and time,
   * which make it "latest") must be those of the signed manifest: the record is not signed, and
   * a genuine old archive re-recorded as new would otherwise roll the CA back to it.
   */
  public static void checkRecord(BackupsConfig backups, StoredBackup stored, Manifest verified) {
    if (backups.verifyWith() == null) {
      return;
    }
    if (!stored.backupId().equals(verified.backupId()) || !stored.ca().equals(verified.ca())
        || !stored.createdAt().equals(verified.createdAt())) {
      throw new UnsafeArchiveException("backup " + stored.backupId() + " of CA " + stored.ca() + " (created "
          + stored.createdAt() + ", says its record) holds the signed archive of backup "
          + verified.backupId() + " of CA " + verified.ca() + " created " + verified.createdAt()
          + ": the record was altered or the archive replayed under another name; refused");
    }
  }

  /**
   * Moves a signature made in the work area beside the archive it signs in the store, before the
   * backup is recorded. A retry after the move finds it there already.
   */
  public static void place(Path signature, Path storedArchive) throws IOException {
    Path target = of(storedArchive);
    if (!Files.exists(signature, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      throw new IOException("the signature " + signature + " of " + storedArchive + " is missing from the"
          + " work area; back up again");
    }
    try {
      Files.move(signature, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.copy(signature, target, StandardCopyOption.REPLACE_EXISTING);
      Files.delete(signature);
    }
  }
}
