package io.stepcarecovery.copies;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveWriter;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.signing.BackupSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * How a tar.gz store lays out one CA's backups, the local store's way: {@code <ca>/<id>.tar.gz[.gpg]},
 * {@code <archive>.sig}, {@code <id>.json} (written last). Shared by SFTP and S3.
 */
final class Layout {
  static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String ID = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  private Layout() {}

  static String recordName(String backupId) {
    return backupId + ".json";
  }

  static String archiveName(StoredBackup b) {
    return b.backupId() + ".tar.gz" + (b.encryptedTo() != null ? BackupEncryption.SUFFIX : "");
  }

  static String signatureName(StoredBackup b) {
    return archiveName(b) + BackupSignature.SUFFIX;
  }

  /**
   * A record read from a store, if it is one that counts: a plain id, under its own name, naming
   * the archive beside it by file name. Anything else is not a backup of ours.
   */
  static StoredBackup parseRecord(String fileName, byte[] json) {
    try {
      StoredBackup b = JSON.readValue(json, StoredBackup.class);
      if (b.backupId() == null || !b.backupId().matches(ID) || !fileName.equals(recordName(b.backupId()))
          || b.createdAt() == null || b.sha256() == null || b.archive() == null
          || !Path.of(b.archive()).getFileName().toString().equals(archiveName(b))) {
        return null;
      }
      return b;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Newest first, as the local store lists. */
  static List<StoredBackup> newestFirst(List<StoredBackup> all) {
    return all.stream().sorted(Comparator.comparing(StoredBackup::createdAt)
        .thenComparing(StoredBackup::backupId).reversed()).toList();
  }

  static StoredBackup at(StoredBackup b, String archive) {
    return new StoredBackup(b.backupId(), b.ca(), archive, b.sha256(), b.sizeBytes(), b.createdAt(), b.reason(),
        b.dbType(), b.rootFingerprint(), b.intermediateFingerprint(), b.roots(), b.encryptedTo(), b.signedBy(), b.dump(),
        b.caDowntimeMillis());
  }

  /** What reading a stored archive back found: verified when its SHA-256 is the record's. */
  static CopyReport readBack(String uri, StoredBackup b, String got) {
    if (!got.equals(b.sha256())) {
      return new CopyReport(uri, false, uri + ": " + archiveName(b) + " has SHA-256 " + got
          + " but its record says " + b.sha256() + ": this copy is corrupt", got, null);
    }
    return new CopyReport(uri, true, null, got, null);
  }

  /** A fetched archive is used only when its SHA-256 is the record's; otherwise it is removed. */
  static void requireRecorded(String uri, StoredBackup b, Path archive) throws IOException {
    String got = sha256(archive);
    if (!got.equals(b.sha256())) {
      Files.deleteIfExists(archive);
      throw new CopyException(uri + ": " + archiveName(b) + " has SHA-256 " + got
          + " but its record says " + b.sha256() + ": this copy is corrupt; not used");
    }
  }

  static String sha256(InputStream in, LongConsumer progress) throws IOException {
    MessageDigest sha = ArchiveWriter.sha256();
    byte[] buf = new byte[1 << 17];
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
      total += n;
      progress.accept(total);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in, n -> { });
    }
  }

  /** Writes a downloaded file into place owner-only; {@code tmp} is in the same directory. */
  static void place(Path tmp, Path target) throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The message of a read-back that differs. */
  static CopyException corrupt(String uri, String file, String got, String expected) {
    return new CopyException(uri + ": " + file + " read back with SHA-256 " + got + ", but " + expected
        + " was written: the store corrupted it (removed)");
  }
}
