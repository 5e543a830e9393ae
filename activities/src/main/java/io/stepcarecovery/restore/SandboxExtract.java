package io.stepcarecovery.restore;

import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.DiskErrors;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * A restore drill's read of a backup: the restore's own verification (stored checksum, every
 * manifest checksum, signature, root equal to the trust anchor, every root one of this CA's
 * paths) in the same single read that extracts it, but into a sandbox: each archived absolute
 * path {@code /p} lands at {@code <fsRoot>/p}, never at {@code /p}. The archive is hostile: the
 * reader's guards admit only safe names and nothing beneath a symlink, and here a symlink that
 * would lead out of the sandbox is refused too, since the sandbox step-ca would follow it.
 */
public final class SandboxExtract {
  private SandboxExtract() {}

  /** @return the verified plan; its roots are production paths, found mirrored under fsRoot */
  public static RestorePlan extract(CaConfig c, String ca, String backup, Path fsRoot) throws IOException {
    BackupStore store = new BackupStore(c.backups().store(), ca);
    StoredBackup stored = BackupLookup.find(store, ca, backup);
    Path archive = Path.of(stored.archive());
    Files.createDirectories(fsRoot);
    Path root = fsRoot.toRealPath();
    Mirror sink = new Mirror(root);
    ArchiveReader.Verified v = ArchiveReader.read(archive, BackupVerifier.reading(c, archive, stored.backupId()),
        ArchiveReader.Limits.DEFAULT, sink, Heartbeat.of("verify and extract " + stored.backupId() + " into a sandbox"));
    // Trusted from here on only: the read returned and the manifest accounts for every entry.
    RestorePlan plan = BackupVerifier.check(c, ca, stored, archive, v, false, null);
    sink.finish();
    return plan;
  }

  /** Where an archived absolute path lies in the sandbox. */
  public static Path mirrored(Path fsRoot, String absolute) {
    Path p = Path.of(absolute).normalize();
    if (!p.isAbsolute()) {
      throw new UnsafeArchiveException(absolute + " is not an absolute path; refused");
    }
    Path target = fsRoot.resolve(p.toString().substring(1)).normalize();
    if (!target.startsWith(fsRoot) || target.equals(fsRoot)) {
      throw new UnsafeArchiveException(absolute + " leads out of the sandbox " + fsRoot + "; refused");
    }
    return target;
  }

  private static final class Mirror implements ArchiveReader.Sink {
    private final Path root;
    private final Map<Path, Integer> dirModes = new HashMap<>();

    Mirror(Path root) {
      this.root = root;
    }

    @Override
    public void directory(String path, int mode) throws IOException {
      Path target = mirrored(root, path);
      Files.createDirectories(target);
      dirModes.put(target, mode);
    }

    @Override
    public OutputStream file(String path, int mode) throws IOException {
      Path target = mirrored(root, path);
      Files.createDirectories(target.getParent());
      OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      // Owner only, whatever the archive says: the sandbox holds the CA's keys.
      Files.setPosixFilePermissions(target, StagingSink.permissions(mode & 0700));
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          try {
            out.write(b, off, len);
          } catch (IOException e) {
            throw DiskErrors.naming(target, e);
          }
        }
      };
    }

    @Override
    public void symlink(String path, String target) throws IOException {
      Path link = mirrored(root, path);
      Path resolved = link.getParent().resolve(target).normalize();
      if (Path.of(target).isAbsolute() || !resolved.startsWith(root)) {
        throw new UnsafeArchiveException("symlink " + path + " -> " + target + " leads out of the sandbox; refused");
      }
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(target));
    }

    /** Directory modes last, deepest first, owner-only (a 0500 directory must not block its children). */
    void finish() throws IOException {
      for (Map.Entry<Path, Integer> e : dirModes.entrySet().stream()
          .sorted(Map.Entry.comparingByKey(Comparator.reverseOrder())).toList()) {
        Files.setPosixFilePermissions(e.getKey(), StagingSink.permissions((e.getValue() & 0700) | 0700));
      }
    }
  }
}
