package io.stepcarecovery.restore;

import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.DiskErrors;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts into the staging directories of the given roots. With {@code tolerant}, an entry
 * outside them is not written and not refused here: it is noted ({@link #strayed}) and the
 * read goes on, so the verification's own checks decide what the archive is.
 */
final class StagingSink implements ArchiveReader.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(StagingSink.class);
  final Map<Path, Integer> dirModes = new HashMap<>();
  final List<Path> written = new ArrayList<>();
  private final List<Path> roots;
  private final String tag;
  private final boolean tolerant;
  String strayed;

  StagingSink(List<Path> roots, String tag, boolean tolerant) {
    this.roots = roots;
    this.tag = tag;
    this.tolerant = tolerant;
  }

  private Path target(String path) {
    if (strayed != null) {
      return null; // extraction abandoned: the verification goes on, a second read stages
    }
    try {
      return RestoreDirs.map(roots, path, tag);
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

  /** Modes, owner, and the staged root certificate checked against the verified one. */
  void finish(CaConfig c, RestorePlan plan, ArchiveReader.Verified v) throws IOException {
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
      Path target = RestoreDirs.map(roots, f.path(), tag);
      if (owner != null) {
        owner.apply(target);
      } else {
        Files.setAttribute(target, "unix:uid", f.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", f.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    // The root certificate actually staged must be the one that was verified.
    CaJson staged = CaJson.read(RestoreDirs.map(roots, v.manifest().caConfig(), tag));
    if (staged.root() == null || roots.stream().noneMatch(staged.root()::startsWith)) {
      throw new UnsafeArchiveException("the ca.json in backup " + plan.backupId() + " names its root"
          + " certificate at " + staged.root() + ", outside what the backup restores; refused");
    }
    {
      String fp = Fingerprints.ofFile(RestoreDirs.map(roots, staged.root().toString(), tag));
      if (!fp.equals(plan.rootFingerprint())) {
        throw new UnsafeArchiveException("the root certificate in backup " + plan.backupId() + " has"
            + " fingerprint " + fp + ", not the " + plan.rootFingerprint() + " its manifest claims; refused");
      }
    }
    LOG.info("staged backup {} beside {} ({} paths)", plan.backupId(), roots, written.size());
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
