package io.stepcarecovery.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.ArchiveWriter;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.encryption.RecipientKey;
import io.stepcarecovery.signing.BackupSignature;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A CA's backups on disk: {@code <store>/<ca>/<backupId>.tar.gz} (or {@code .tar.gz.gpg},
 * encrypted), each with a
 * {@code <backupId>.json} record written only after the stored archive was re-read and verified.
 * An archive without its record (a crash mid-publish) is never listed, restored or counted.
 * Work in progress lives under {@code <store>/<ca>/.work/}.
 */
public final class BackupStore {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path root;
  private final String ca;
  private final Path dir;

  public BackupStore(Path root, String ca) {
    this.root = root.toAbsolutePath().normalize();
    this.ca = ca;
    this.dir = this.root.resolve(ca);
  }

  public Path dir() {
    return dir;
  }

  public Path workDir(String backupId) {
    return dir.resolve(".work").resolve(backupId);
  }

  public Path archive(String backupId) {
    return archive(backupId, false);
  }

  /** Where a backup's archive lives: {@code <id>.tar.gz}, or {@code <id>.tar.gz.gpg} encrypted. */
  public Path archive(String backupId, boolean encrypted) {
    return dir.resolve(backupId + ".tar.gz" + (encrypted ? BackupEncryption.SUFFIX : ""));
  }

  /** Where a backup's archive is written before it is published. */
  public Path partial(String backupId, boolean encrypted) {
    return workDir(backupId).resolve(archive(backupId, encrypted).getFileName() + ".partial");
  }

  private Path record(String backupId) {
    return dir.resolve(backupId + ".json");
  }

  /**
   * Creates the store's directories owner-only and refuses a store inside a git work tree:
   * the runbook's rule that CA material never reaches Git.
   */
  public void prepare() {
    Optional<Path> git = gitWorkTree(root);
    if (git.isPresent()) {
      throw new ConfigException("backup store " + root + " is inside the git work tree " + git.get()
          + ": CA keys must never reach Git; set backups.store to a directory outside it");
    }
    try {
      for (Path d : List.of(root, dir, dir.resolve(".work"))) {
        if (!Files.isDirectory(d)) {
          Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(dir.resolve(".work"), PosixFilePermissions.fromString("rwx------"));
      if (!Files.isWritable(dir)) {
        throw new IOException("not writable by the worker's user");
      }
    } catch (IOException e) {
      throw new ConfigException("backup store " + dir + " cannot be used: " + e.getMessage()
          + " (check backups.store, its permissions and that it is mounted)");
    }
  }

  public long usableBytes() {
    try {
      return Files.getFileStore(Files.isDirectory(dir) ? dir : root).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  public static Optional<Path> gitWorkTree(Path path) {
    for (Path p = path.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Moves a finished archive from the work area into the store, re-reads the stored copy, and
   * only then records it as a backup. A clear archive, or an encrypted one on a host that holds
   * the private key ({@code reading}), is verified in full. An encrypted one on a host without it
   * is checked as far as that host can: the SHA-256 of every stored byte and its recipient; its
   * content is verified in full when a restore decrypts it, before anything is touched.
   *
   * @param recipient the key the archive is encrypted to, or null for a clear archive
   * @param reading how this host decrypts it, or null when it cannot
   * @param written the manifest as written, for the record when the content cannot be re-read here
   * @param signature the archive's detached signature in the work area, or null when unsigned
   * @param signedBy the fingerprint of the key that made {@code signature}, for the record
   */
  public StoredBackup publish(String backupId, Path partial, String expectedSha256, RecipientKey recipient,
      ArchiveReader.Layer reading, Manifest written, Path signature, String signedBy, LongConsumer progress) {
    boolean encrypted = recipient != null;
    Path target = archive(backupId, encrypted);
    try {
      if (Files.exists(partial)) {
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.copy(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } else if (!Files.exists(target)) {
        throw new IOException("neither the archive " + partial + " nor " + target + " exists");
      }
      // else: a retry after the move already happened.
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      if (signature != null) {
        BackupSignature.place(signature, target); // beside the archive before the record exists
      }
    } catch (IOException e) {
      throw new StoreException("cannot store " + target + ": " + e.getMessage(), e);
    }
    Manifest m;
    String sha256;
    long size;
    try {
      if (!encrypted || reading != null) {
        ArchiveReader.Verified v = ArchiveReader.read(target, encrypted ? reading : ArchiveReader.Layer.NONE,
            ArchiveReader.Limits.DEFAULT, null, progress);
        m = v.manifest();
        sha256 = v.sha256();
        size = v.sizeBytes();
      } else {
        if (written == null) {
          throw new StoreException("the manifest of backup " + backupId + " is missing from its work"
              + " area; back up again");
        }
        sha256 = sha256Of(target, progress);
        size = Files.size(target);
        recipient.checkRecipientOf(target);
        m = written;
      }
      if (!sha256.equals(expectedSha256)) {
        throw new UnsafeArchiveException("it has SHA-256 " + sha256 + " but " + expectedSha256
            + " was written: the store corrupted it");
      }
    } catch (UnsafeArchiveException | IOException e) {
      // Kept for inspection under a name nothing lists or restores; retrying would not help.
      Path rejected = target.resolveSibling(target.getFileName() + ".rejected");
      try {
        Files.move(target, rejected, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException ignored) {
        // still unlisted: it has no record
      }
      throw new UnsafeArchiveException("the stored copy of backup " + backupId + " does not verify ("
          + e.getMessage() + "); kept as " + rejected + ". Check the store's disk, then back up again", e);
    }
    StoredBackup stored = new StoredBackup(backupId, ca, target.toString(), sha256, size,
        m.createdAt(), m.reason(), m.dbType(), m.rootFingerprint(), m.intermediateFingerprint(), m.roots(),
        encrypted ? recipient.fingerprint() : null, signature == null ? null : signedBy);
    writeRecord(stored);
    return stored;
  }

  private static String sha256Of(Path file, LongConsumer progress) throws IOException {
    MessageDigest sha = ArchiveWriter.sha256();
    byte[] buf = new byte[1 << 16];
    long read = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        read += n;
        progress.accept(read);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private void writeRecord(StoredBackup stored) {
    Path tmp = dir.resolve(".work").resolve(stored.backupId() + ".json.tmp");
    try {
      Files.write(tmp, JSON.writeValueAsBytes(stored));
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, record(stored.backupId()), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StoreException("cannot record backup " + stored.backupId() + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Verified backups, newest first. */
  public List<StoredBackup> list() {
    List<StoredBackup> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      for (Path p : ds) {
        try {
          StoredBackup b = JSON.readValue(p.toFile(), StoredBackup.class);
          // A record counts only for the archive beside it, under its own, plain name.
          if (b.backupId() != null && b.backupId().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")
              && p.getFileName().toString().equals(b.backupId() + ".json")
              && archive(b.backupId(), b.encryptedTo() != null).toString().equals(b.archive())
              && Files.isRegularFile(Path.of(b.archive()))) {
            out.add(b);
          }
        } catch (IOException unreadable) {
          // not a record of ours
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(StoredBackup::createdAt).thenComparing(StoredBackup::backupId).reversed());
    return out;
  }

  /** A backup by id, or the newest for "latest". */
  public StoredBackup find(String idOrLatest) {
    List<StoredBackup> all = list();
    if (idOrLatest == null || idOrLatest.equals("latest")) {
      if (all.isEmpty()) {
        throw new StoreException("no verified backup of CA '" + ca + "' in " + dir);
      }
      return all.get(0);
    }
    return all.stream().filter(b -> b.backupId().equals(idOrLatest)).findFirst().orElseThrow(() ->
        new StoreException("no backup '" + idOrLatest + "' of CA '" + ca + "' in " + dir
            + " (list them with: stepca-recovery backups --ca " + ca + ")"));
  }

  /** Deletes all but the newest {@code keep} (at least 1) verified backups; returns the deleted ids. */
  public List<String> prune(int keep) {
    List<StoredBackup> all = list();
    List<String> deleted = new ArrayList<>();
    for (StoredBackup old : all.subList(Math.min(Math.max(1, keep), all.size()), all.size())) {
      try {
        // Record first: an archive without a record is invisible, the reverse would be a lie.
        Files.deleteIfExists(record(old.backupId()));
        Files.deleteIfExists(archive(old.backupId(), false));
        Files.deleteIfExists(archive(old.backupId(), true));
        Files.deleteIfExists(BackupSignature.of(archive(old.backupId(), false)));
        Files.deleteIfExists(BackupSignature.of(archive(old.backupId(), true)));
        deleted.add(old.backupId());
      } catch (IOException e) {
        throw new StoreException("cannot prune " + old.backupId() + ": " + e.getMessage(), e);
      }
    }
    return deleted;
  }

  public void discardWork(String backupId) {
    Path work = workDir(backupId);
    try {
      Files.deleteIfExists(dir.resolve(".work").resolve(backupId + ".json.tmp"));
      if (Files.exists(work)) {
        try (var walk = Files.walk(work)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot clean up work area " + work + ": " + e.getMessage(), e);
    }
  }
}
