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
import io.stepcarecovery.retention.KeepPolicy;
import io.stepcarecovery.retention.Retention;
import io.stepcarecovery.signing.BackupSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
 *
 * <p>A store is portable: a record names its archive by file name only, so a copy of the store
 * at another path or on another host, or a read-only mount of it, lists and restores the same.
 * Only a backup writes into the store; listing and restoring never do.
 */
public final class BackupStore {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BackupStore.class);
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
      for (Path d : List.of(dir, dir.resolve(".work"))) {
        if (Files.isSymbolicLink(d)) {
          // Following it would chmod and fill whatever it points to.
          throw new ConfigException("backup store " + d + " is a symbolic link (to "
              + Files.readSymbolicLink(d) + "): refused, the store's own directories must be real"
              + " ones. Point backups.store at the real location instead, or replace the link: rm " + d);
        }
      }
      for (Path d : List.of(root, dir, dir.resolve(".work"))) {
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(dir.resolve(".work"), PosixFilePermissions.fromString("rwx------"));
      if (!Files.isWritable(dir)) {
        throw new IOException("not writable by the worker's user");
      }
      removeRejected();
    } catch (IOException e) {
      throw new ConfigException("backup store " + dir + " cannot be used: " + e.getMessage()
          + " (check backups.store, its permissions and that it is mounted)");
    }
  }

  /**
   * Removes stored copies that failed their verification (left by versions that kept them as
   * {@code *.rejected}): they hold key material and nothing lists or restores them.
   */
  private void removeRejected() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.rejected")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
          Files.delete(p);
          log.warn("removed {}: a stored copy of a failed backup (it holds key material)", p);
        }
      }
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
    return publish(backupId, partial, expectedSha256, recipient, reading, written, signature, signedBy, null,
        progress);
  }

  /** As above, recording how long the CA was down for this backup (null: not known). */
  public StoredBackup publish(String backupId, Path partial, String expectedSha256, RecipientKey recipient,
      ArchiveReader.Layer reading, Manifest written, Path signature, String signedBy, Long caDowntimeMillis,
      LongConsumer progress) {
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
      // Removed, not kept: it holds key material, is a copy of data the CA still has, and
      // retrying would not help. (Unlisted either way: it has no record.)
      String removed;
      try {
        Files.deleteIfExists(target);
        Files.deleteIfExists(BackupSignature.of(target));
        removed = "removed it";
      } catch (IOException notRemoved) {
        removed = "could not remove it (" + notRemoved.getMessage() + "): rm " + target;
      }
      throw new UnsafeArchiveException("the stored copy of backup " + backupId + " does not verify ("
          + e.getMessage() + "); " + removed + ". Check the store's disk, then back up again", e);
    }
    // The record names the archive by file name: it must not depend on where the store is mounted.
    StoredBackup record = new StoredBackup(backupId, ca, target.getFileName().toString(), sha256, size,
        m.createdAt(), m.reason(), m.dbType(), m.rootFingerprint(), m.intermediateFingerprint(), m.roots(),
        encrypted ? recipient.fingerprint() : null, signature == null ? null : signedBy,
        m.databaseDump().map(f -> new StoredBackup.DatabaseDump(f.path().substring(1), f.size(), f.sha256()))
            .orElse(null),
        caDowntimeMillis);
    writeRecord(record);
    return here(record, target);
  }

  /** The record file of a listed backup ({@code <id>.json}), as stored. */
  public Path recordFile(String backupId) {
    return record(backupId);
  }

  /**
   * Places a backup fetched from an off-host copy into this store, the way {@link #publish}
   * does: archive (and signature) first, the record last, so it lists only when complete. The
   * caller checked the archive against the record's SHA-256; a restore verifies it in full before
   * trusting it, as it does every local backup.
   *
   * @param fetched the copy's record; its archive a downloaded file beside {@code signature}
   */
  public StoredBackup adopt(StoredBackup fetched, Path signature) {
    boolean encrypted = fetched.encryptedTo() != null;
    Path target = archive(fetched.backupId(), encrypted);
    try {
      Files.move(Path.of(fetched.archive()), target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      if (signature != null && Files.exists(signature)) {
        Files.move(signature, BackupSignature.of(target), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(BackupSignature.of(target)); // a stale one would not be this archive's
      }
    } catch (IOException e) {
      throw new StoreException("cannot place the fetched backup " + fetched.backupId() + " in " + dir + ": "
          + e.getMessage(), e);
    }
    StoredBackup record = new StoredBackup(fetched.backupId(), ca, target.getFileName().toString(),
        fetched.sha256(), fetched.sizeBytes(), fetched.createdAt(), fetched.reason(), fetched.dbType(),
        fetched.rootFingerprint(), fetched.intermediateFingerprint(), fetched.roots(), fetched.encryptedTo(),
        fetched.signedBy(), fetched.dump(), fetched.caDowntimeMillis());
    writeRecord(record);
    return here(record, target);
  }

  /** A record as this host sees it: its archive's path in the store as mounted here. */
  private static StoredBackup here(StoredBackup b, Path archive) {
    return new StoredBackup(b.backupId(), b.ca(), archive.toString(), b.sha256(), b.sizeBytes(),
        b.createdAt(), b.reason(), b.dbType(), b.rootFingerprint(), b.intermediateFingerprint(), b.roots(),
        b.encryptedTo(), b.signedBy(), b.dump(), b.caDowntimeMillis());
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

  /**
   * Verified backups, newest first; each archive path is where it lies in this store as mounted
   * here. A record dated in the future ({@link #futureDated}) ranks after every real one.
   */
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
          if (b.backupId() == null || !b.backupId().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")
              || !p.getFileName().toString().equals(b.backupId() + ".json") || b.archive() == null
              || b.createdAt() == null) {
            continue;
          }
          Path beside = archive(b.backupId(), b.encryptedTo() != null);
          // Records written before stores were portable hold an absolute path: only its file
          // name counts, and only for the archive beside the record; the path itself is never
          // followed (it may point anywhere, or to where the store used to be mounted).
          String named = Path.of(b.archive()).getFileName() == null ? "" : Path.of(b.archive()).getFileName().toString();
          boolean plainName = b.archive().equals(named) || Path.of(b.archive()).isAbsolute();
          if (plainName && named.equals(beside.getFileName().toString())
              && Files.isRegularFile(beside, LinkOption.NOFOLLOW_LINKS)) {
            out.add(here(b, beside));
          }
        } catch (IOException | RuntimeException unreadable) {
          // not a record of ours
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    Instant now = Instant.now();
    out.sort(Comparator.comparing((StoredBackup b) -> futureDated(b, now))
        .thenComparing(Comparator.comparing((StoredBackup b) -> createdAt(b).orElse(Instant.EPOCH))
            .thenComparing(StoredBackup::backupId).reversed()));
    return out;
  }

  /** How far ahead of this host's clock a record may be dated (clocks drift) before it is suspect. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /**
   * Whether a record is dated more than {@link #CLOCK_SKEW} after {@code now} (this host's
   * clock), or not dated readably: written by a host with a fast clock, or forged. Such a record
   * must never count as the latest backup nor push real ones out of the store.
   */
  public static boolean futureDated(StoredBackup b, Instant now) {
    return createdAt(b).map(t -> t.isAfter(now.plus(CLOCK_SKEW))).orElse(true);
  }

  private static Optional<Instant> createdAt(StoredBackup b) {
    try {
      return Optional.of(Instant.parse(b.createdAt()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The ids of listed backups dated in the future by this host's clock. */
  public List<String> futureDated() {
    Instant now = Instant.now();
    return list().stream().filter(b -> futureDated(b, now)).map(StoredBackup::backupId).toList();
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

  /**
   * What {@code policy} would forget here, newest first: restic's rules ({@link Retention}) on
   * the verified backups, by the local calendar of this host. Never the newest backup, nor
   * {@code justMade} (the backup the calling run just made, or null) whatever its rank, nor a
   * future-dated record (reported for a person to look at; it neither counts nor goes).
   */
  public Retention.Decision retention(KeepPolicy policy, String justMade) {
    return retention(policy, justMade, ZoneId.systemDefault());
  }

  /**
   * The newest backup whose last drill passed, by the drill records here: what retention keeps in
   * this store and in every off-host copy until a newer one passes.
   */
  public Optional<String> newestDrilled() {
    return DrillRecords.newestPassed(this, list().stream().map(StoredBackup::backupId).toList());
  }

  /** {@link #retention(KeepPolicy, String)} by the calendar of {@code zone}. */
  public Retention.Decision retention(KeepPolicy policy, String justMade, ZoneId zone) {
    Instant now = Instant.now();
    List<StoredBackup> real = list().stream().filter(b -> !futureDated(b, now)).toList();
    List<Retention.Dated> dated = real.stream()
        .map(b -> new Retention.Dated(b.backupId(), createdAt(b).orElseThrow())).toList();
    Retention.Decision d = Retention.apply(dated, policy, zone);
    String newest = real.isEmpty() ? null : real.get(0).backupId();
    // The newest backup proven to restore stays until a newer one passes a drill.
    String drilled = DrillRecords.newestPassed(this, real.stream().map(StoredBackup::backupId).toList()).orElse(null);
    List<Retention.Kept> keep = new ArrayList<>(d.keep());
    List<Retention.Dated> remove = new ArrayList<>();
    for (Retention.Dated r : d.remove()) {
      // The policy already keeps the newest (its first bucket); the rule stands on its own anyway.
      if (r.id().equals(justMade) || r.id().equals(newest) || r.id().equals(drilled)) {
        keep.add(new Retention.Kept(r, List.of(r.id().equals(newest) ? "newest"
            : r.id().equals(justMade) ? "just made" : "newest that passed a drill")));
      } else {
        remove.add(r);
      }
    }
    return new Retention.Decision(List.copyOf(keep), List.copyOf(remove));
  }

  /** The N newest, as {@code keep: N} always meant; see {@link #prune(KeepPolicy, String)}. */
  public List<String> prune(int keep, String justMade) {
    return prune(KeepPolicy.lastN(Math.max(1, keep)), justMade);
  }

  /**
   * Forgets what {@link #retention} says, each backup whole (its record, archive and signature);
   * returns the forgotten ids, newest first.
   */
  public List<String> prune(KeepPolicy policy, String justMade) {
    finishForgetting();
    List<String> deleted = new ArrayList<>();
    for (Retention.Dated b : retention(policy, justMade).remove()) {
      forget(b.id());
      deleted.add(b.id());
    }
    return deleted;
  }

  /** Every file of a backup, record first: what forgetting it removes. */
  private List<Path> filesOf(String backupId) {
    return List.of(record(backupId), DrillRecords.file(this, backupId), archive(backupId, false), archive(backupId, true),
        BackupSignature.of(archive(backupId, false)), BackupSignature.of(archive(backupId, true)));
  }

  private Path forgetting(String backupId) {
    return dir.resolve(".work").resolve(backupId + FORGETTING);
  }

  private static final String FORGETTING = ".forgetting";

  /**
   * Forgets one backup so that no crash leaves half of it: its files are first moved (renames in
   * one file system) into {@code .work/<id>.forgetting/}, the record first, so the backup stops
   * being listed at once; that directory says the rest must go, and the next prune finishes it.
   */
  private void forget(String backupId) {
    Path bin = forgetting(backupId);
    try {
      Files.createDirectories(bin);
      moveFilesInto(backupId, bin);
      deleteTree(bin);
    } catch (IOException e) {
      throw new StoreException("cannot forget backup " + backupId + " in " + dir + ": " + e.getMessage()
          + " (it is no longer listed; the next forget or backup finishes removing it)", e);
    }
  }

  private void moveFilesInto(String backupId, Path bin) throws IOException {
    for (Path f : filesOf(backupId)) {
      if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(f, bin.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Completes forgets a crash or an error interrupted (see {@link #forget}). */
  private void finishForgetting() {
    Path work = dir.resolve(".work");
    if (!Files.isDirectory(work)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(work, "*" + FORGETTING)) {
      for (Path bin : ds) {
        String name = bin.getFileName().toString();
        String id = name.substring(0, name.length() - FORGETTING.length());
        if (Files.isDirectory(bin, LinkOption.NOFOLLOW_LINKS) && id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
          moveFilesInto(id, bin);
          deleteTree(bin);
          log.info("finished forgetting backup {} in {} (interrupted before)", id, dir);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot finish forgetting in " + work + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path top) throws IOException {
    try (var walk = Files.walk(top)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
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
