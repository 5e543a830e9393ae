package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.DiskErrors;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore on the CA host. The archive is verified in full before anything is written; it is
 * then extracted beside each live root ({@code <root>.restoring-<tag>}), so the swap under a
 * stopped CA is two renames per root and the old data is only ever moved aside.
 */
public class RestoreActivitiesImpl implements RestoreActivities {
  private static final Logger log = LoggerFactory.getLogger(RestoreActivitiesImpl.class);
  private final StepcaRecoveryConfig config;

  public RestoreActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  static Path staging(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".restoring-" + tag);
  }

  static Path preRestore(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".pre-restore-" + tag);
  }

  static Path failedRestore(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".failed-restore-" + tag);
  }

  @Override
  public RestorePlan verifyBackup(String ca, String backup, boolean allowForeignRoot) {
    return ActivityErrors.run(() -> verifyUnchecked(config.ca(ca), ca, backup, allowForeignRoot));
  }

  private RestorePlan verifyUnchecked(CaConfig c, String ca, String backup, boolean allowForeignRoot)
      throws IOException {
    BackupStore store = new BackupStore(c.backups().store(), ca);
    StoredBackup stored = BackupLookup.find(store, ca, backup);
    Path archive = Path.of(stored.archive()); // listed only when it is the store's own name for it
    ArchiveReader.Verified v = ArchiveReader.read(archive, reading(c, archive, stored.backupId()),
        ArchiveReader.Limits.DEFAULT, null,
        Heartbeat.of("verify " + stored.backupId()));
    return checkVerified(c, ca, stored, archive, v, allowForeignRoot);
  }

  /** What verifyBackup requires of a read that returned, whatever the read extracted. */
  private static RestorePlan checkVerified(CaConfig c, String ca, StoredBackup stored, Path archive,
      ArchiveReader.Verified v, boolean allowForeignRoot) throws IOException {
    {
      if (!v.sha256().equals(stored.sha256())) {
        throw new UnsafeArchiveException("backup " + stored.backupId() + " has SHA-256 " + v.sha256()
            + " but was stored with " + stored.sha256() + ": it changed on disk since; refused");
      }
      Manifest m = v.manifest();
      String anchor = Fingerprints.ofFile(c.rootCert());
      if (!anchor.equals(m.rootFingerprint()) && !allowForeignRoot) {
        throw new UnsafeArchiveException("backup " + stored.backupId() + " is of a different CA: its root"
            + " is " + m.rootFingerprint() + " but the trust anchor " + c.rootCert() + " is " + anchor
            + ". Restoring it would break trust on every client (the runbook's 'wrong data directory"
            + " restored'): pick a backup of this CA, or allow a foreign root if the root really changed");
      }
      if (!m.caConfig().equals(c.caConfig().toString())) {
        throw new ConfigException("backup " + stored.backupId() + " holds a CA configured at "
            + m.caConfig() + ", but CA '" + ca + "' is configured at " + c.caConfig()
            + ": restoring would put its data elsewhere; check caConfig or pick another backup");
      }
      log.info("backup {} of CA {} verified: {} entries, {} bytes", stored.backupId(), ca, v.entries(), v.bytes());
      return new RestorePlan(stored.backupId(), archive.toString(), v.sha256(), m.createdAt(), m.dbType(),
          m.rootFingerprint(), m.roots(), v.entries(), v.bytes());
    }
  }

  @Override
  public RestorePlan verifyAndStage(String ca, String backup, boolean allowForeignRoot, String tag) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      StoredBackup stored = BackupLookup.find(store, ca, backup);
      List<Path> hint = rootsHint(c, stored, allowForeignRoot);
      if (hint == null) {
        // No usable hint: the two reads of an approval-gated restore, in one activity.
        RestorePlan plan = verifyUnchecked(c, ca, stored.backupId(), allowForeignRoot);
        stageChecked(c, plan, tag);
        return plan;
      }
      Path archive = Path.of(stored.archive());
      log.info("backup {} of CA {}: verifying and extracting beside {} in one read", stored.backupId(), ca, hint);
      discard(hint, tag);
      try {
        Staging staging = new Staging(hint, tag, true);
        ArchiveReader.Verified v = ArchiveReader.read(archive, reading(c, archive, stored.backupId()),
            ArchiveReader.Limits.DEFAULT, staging,
            Heartbeat.of("verify and extract " + stored.backupId()));
        // Trusted from here on only: the read returned, the manifest accounts for every entry.
        RestorePlan plan = checkVerified(c, ca, stored, archive, v, allowForeignRoot);
        if (staging.strayed != null || !plan.roots().equals(hint.stream().map(Path::toString).toList())) {
          log.info("backup {}: its record's roots {} are not its manifest's {}{}; staging in a second read",
              plan.backupId(), hint, plan.roots(), staging.strayed == null ? "" : " (" + staging.strayed + ")");
          discard(hint, tag);
          stageChecked(c, plan, tag);
          return plan;
        }
        finishStaging(c, plan, hint, tag, v, staging);
        return plan;
      } catch (Exception e) {
        discard(hint, tag);
        throw e;
      }
    });
  }

  /**
   * The roots a backup's record names, if extracting into their staging directories during the
   * verifying read can only be right: absolute and normalised, the configured ca.json under one
   * of them (a backup of a CA configured elsewhere is refused by the verification), and the
   * record's root the trust anchor unless a foreign root is allowed (otherwise the verification
   * refuses it first, without writing anything).
   */
  private static List<Path> rootsHint(CaConfig c, StoredBackup stored, boolean allowForeignRoot) throws IOException {
    if (stored.roots() == null || stored.roots().isEmpty() || stored.rootFingerprint() == null) {
      return null;
    }
    List<Path> roots = new ArrayList<>();
    for (String r : stored.roots()) {
      if (r == null || !r.startsWith("/")) {
        return null;
      }
      Path p = Path.of(r);
      if (!p.normalize().equals(p) || p.getParent() == null) {
        return null;
      }
      roots.add(p);
    }
    if (roots.stream().noneMatch(c.caConfig()::startsWith)) {
      return null;
    }
    if (!allowForeignRoot && !stored.rootFingerprint().equals(Fingerprints.ofFile(c.rootCert()))) {
      return null;
    }
    return roots;
  }

  @Override
  public void discardStagingOf(String ca, String backup, String tag) {
    ActivityErrors.runVoid(() -> {
      CaConfig c = config.ca(ca);
      StoredBackup stored;
      try {
        stored = BackupLookup.find(new BackupStore(c.backups().store(), ca), ca, backup);
      } catch (RuntimeException noSuchBackup) {
        return; // nothing was staged for a backup that is not there
      }
      if (stored.roots() != null) {
        List<Path> roots = new ArrayList<>();
        for (String r : stored.roots()) {
          if (r != null && r.startsWith("/") && Path.of(r).getParent() != null) {
            roots.add(Path.of(r));
          }
        }
        discard(roots, tag);
      }
    });
  }

  @Override
  public void stage(String ca, RestorePlan plan, String tag) {
    ActivityErrors.runVoid(() -> stageChecked(config.ca(ca), plan, tag));
  }

  private void stageChecked(CaConfig c, RestorePlan plan, String tag) throws IOException {
    List<Path> roots = plan.roots().stream().map(Path::of).toList();
    discard(roots, tag);
    try {
      stageUnchecked(c, plan, roots, tag);
    } catch (Exception e) {
      discard(roots, tag);
      throw e;
    }
  }

  /**
   * Extracts into the staging directories of the given roots. With {@code tolerant}, an entry
   * outside them is not written and not refused here: it is noted ({@link #strayed}) and the
   * read goes on, so the verification's own checks decide what the archive is.
   */
  private static final class Staging implements ArchiveReader.Sink {
    final Map<Path, Integer> dirModes = new HashMap<>();
    final List<Path> written = new ArrayList<>();
    private final List<Path> roots;
    private final String tag;
    private final boolean tolerant;
    String strayed;

    Staging(List<Path> roots, String tag, boolean tolerant) {
      this.roots = roots;
      this.tag = tag;
      this.tolerant = tolerant;
    }

    private Path target(String path) {
      if (strayed != null) {
        return null; // extraction abandoned: the verification goes on, a second read stages
      }
      try {
        return map(roots, path, tag);
      } catch (UnsafeArchiveException e) {
        if (!tolerant) {
          throw e;
        }
        strayed = path + " lies outside " + roots;
        return null;
      }
    }

    @Override
    public void directory(String path, int mode) throws IOException {
      Path target = target(path);
      if (target == null) {
        return;
      }
      Files.createDirectories(target);
      dirModes.put(target, mode);
      written.add(target);
    }

    @Override
    public OutputStream file(String path, int mode) throws IOException {
      Path target = target(path);
      if (target == null) {
        return OutputStream.nullOutputStream();
      }
      Files.createDirectories(target.getParent());
      written.add(target);
      OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(target, permissions(mode));
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          try {
            out.write(b, off, len);
          } catch (IOException e) {
            throw DiskErrors.naming(target, e); // a full disk, named: not the archive's fault
          }
        }
      };
    }

    @Override
    public void symlink(String path, String target) throws IOException {
      Path link = target(path);
      if (link == null) {
        return;
      }
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(target));
      written.add(link);
    }
  }

  private void stageUnchecked(CaConfig c, RestorePlan plan, List<Path> roots, String tag) throws IOException {
    Staging staging = new Staging(roots, tag, false);
    Path archive = Path.of(plan.archive());
    ArchiveReader.Verified v = ArchiveReader.read(archive, reading(c, archive, plan.backupId()),
        ArchiveReader.Limits.DEFAULT,
        staging, Heartbeat.of("extract " + plan.backupId()));
    if (!v.sha256().equals(plan.sha256())) {
      throw new UnsafeArchiveException(plan.archive() + " changed between its verification and its"
          + " extraction; refused");
    }
    finishStaging(c, plan, roots, tag, v, staging);
  }

  /** Modes, owner, and the staged root certificate checked against the verified one. */
  private static void finishStaging(CaConfig c, RestorePlan plan, List<Path> roots, String tag,
      ArchiveReader.Verified v, Staging staging) throws IOException {
    Map<Path, Integer> dirModes = staging.dirModes;
    List<Path> written = staging.written;
    // Directory modes last, deepest first, so a 0700 or 0500 directory does not block its children.
    dirModes.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.reverseOrder()))
        .forEach(e -> {
          try {
            Files.setPosixFilePermissions(e.getKey(), permissions(e.getValue()));
          } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
          }
        });
    Owner owner = Owner.parse(c.owner());
    Map<String, Manifest.FileEntry> byPath = new HashMap<>();
    v.manifest().files().forEach(f -> byPath.put(f.path(), f));
    for (Manifest.FileEntry f : v.manifest().files()) {
      Path target = map(roots, f.path(), tag);
      if (owner != null) {
        owner.apply(target);
      } else {
        Files.setAttribute(target, "unix:uid", f.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", f.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    // The root certificate actually staged must be the one that was verified.
    CaJson staged = CaJson.read(map(roots, v.manifest().caConfig(), tag));
    if (staged.root() == null || roots.stream().noneMatch(staged.root()::startsWith)) {
      throw new UnsafeArchiveException("the ca.json in backup " + plan.backupId() + " names its root"
          + " certificate at " + staged.root() + ", outside what the backup restores; refused");
    }
    {
      String fp = Fingerprints.ofFile(map(roots, staged.root().toString(), tag));
      if (!fp.equals(plan.rootFingerprint())) {
        throw new UnsafeArchiveException("the root certificate in backup " + plan.backupId() + " has"
            + " fingerprint " + fp + ", not the " + plan.rootFingerprint() + " its manifest claims; refused");
      }
    }
    log.info("staged backup {} beside {} ({} paths)", plan.backupId(), roots, written.size());
  }

  /** How this host reads the archive: as is, or decrypted with the private key configured here. */
  private static ArchiveReader.Layer reading(CaConfig c, Path archive, String backupId) {
    return BackupEncryption.reading(c.backups(), archive, "backup " + backupId + " (" + archive + ")");
  }

  /** Where an archived absolute path goes in the staging area of its root. */
  static Path map(List<Path> roots, String path, String tag) {
    Path p = Path.of(path).normalize();
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return staging(root, tag).resolve(root.relativize(p).toString());
      }
    }
    throw new UnsafeArchiveException(path + " lies outside the verified roots " + roots + "; refused");
  }

  @Override
  public SwapReport swapIn(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> {
      config.ca(ca);
      List<String> aside = new ArrayList<>();
      List<String> placed = new ArrayList<>();
      for (String r : plan.roots()) {
        Path root = Path.of(r);
        Path staged = staging(root, tag);
        Path old = preRestore(root, tag);
        if (!Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            // A retry after this root was swapped: nothing left to do for it.
            if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
              aside.add(old.toString());
            }
            placed.add(root.toString());
            continue;
          }
          throw new IOException("staged data " + staged + " is missing; nothing was swapped for " + root);
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(root, old, StandardCopyOption.ATOMIC_MOVE);
          aside.add(old.toString());
        }
        Files.move(staged, root, StandardCopyOption.ATOMIC_MOVE);
        placed.add(root.toString());
      }
      log.info("CA {}: restored data in place at {}; previous data at {}", ca, placed, aside);
      return new SwapReport(aside, placed);
    });
  }

  @Override
  public SwapReport swapBack(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> {
      config.ca(ca);
      List<String> aside = new ArrayList<>();
      List<String> placed = new ArrayList<>();
      for (String r : plan.roots()) {
        Path root = Path.of(r);
        Path old = preRestore(root, tag);
        Path failed = failedRestore(root, tag);
        if (!Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.exists(failed, LinkOption.NOFOLLOW_LINKS)) {
            aside.add(failed.toString()); // done by an earlier attempt
          }
          continue;
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(root, failed, StandardCopyOption.ATOMIC_MOVE);
          aside.add(failed.toString());
        }
        Files.move(old, root, StandardCopyOption.ATOMIC_MOVE);
        placed.add(root.toString());
      }
      log.info("CA {}: rolled back; previous data at {}, failed restore at {}", ca, placed, aside);
      return new SwapReport(aside, placed);
    });
  }

  @Override
  public void discardStaging(String ca, RestorePlan plan, String tag) {
    ActivityErrors.runVoid(() -> discard(plan.roots().stream().map(Path::of).toList(), tag));
  }

  private static void discard(List<Path> roots, String tag) throws IOException {
    for (Path root : roots) {
      Path staged = staging(root, tag);
      if (!Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(staged)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          if (!Files.isSymbolicLink(p)) {
            p.toFile().setWritable(true, true);
          }
          Files.delete(p);
        }
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    return perms;
  }
}
