package io.stepcarecovery.archive;

import io.stepcarecovery.archive.Manifest.FileEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a snapshot as tar.gz with the manifest as last entry. Entry names are the original
 * absolute paths without the leading slash, so plain {@code tar -xzf FILE -C /} restores it.
 * The gzip is deflated across cores as a sequence of gzip members ({@link
 * ParallelGzipOutputStream}), ended by a {@link MemberIndex} of them that plain gzip and tar
 * skip and restore uses to inflate them in parallel; the SHA-256 covers the whole file as
 * written.
 */
public final class ArchiveWriter {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private ArchiveWriter() {}

  public record Result(String sha256, long sizeBytes, long entries, Manifest manifest) {}

  /**
   * @param template the manifest's metadata; its {@code files} are filled in here
   * @param progress called with bytes read so far, for heartbeats
   */
  public static Result write(Path snapshotDir, Manifest template, Path target, LongConsumer progress)
      throws IOException {
    return write(snapshotDir, template, target, Layer.NONE, progress);
  }

  /**
   * What lies between the gzip stream and the file: nothing, or an OpenPGP encryption. Closing
   * what it returns must finish its own framing and close the stream it was given.
   */
  public interface Layer {
    Layer NONE = out -> out;

    OutputStream wrap(OutputStream file) throws IOException;
  }

  /** As {@link #write(Path, Manifest, Path, LongConsumer)}; the SHA-256 covers the file as stored. */
  public static Result write(Path snapshotDir, Manifest template, Path target, Layer layer,
      LongConsumer progress) throws IOException {
    try {
      return writeUnnamed(snapshotDir, template, target, layer, progress);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      // A full disk surfaces as a bare "No space left on device": name the file it hit.
      throw DiskErrors.naming(target, e);
    }
  }

  private static Result writeUnnamed(Path snapshotDir, Manifest template, Path target, Layer layer,
      LongConsumer progress) throws IOException {
    MessageDigest whole = sha256();
    List<FileEntry> files = new ArrayList<>();
    long[] read = {0};
    Manifest manifest;
    Files.deleteIfExists(target);
    try (FileChannel ch = FileChannel.open(target, EnumSet.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        OutputStream file = java.nio.channels.Channels.newOutputStream(ch);
        DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), whole);
        OutputStream payload = layer.wrap(digest);
        ParallelGzipOutputStream gz = new ParallelGzipOutputStream(payload, LEVEL,
            ParallelGzipOutputStream.DEFAULT_CHUNK, ParallelGzipOutputStream.defaultThreads(), true);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (String root : template.roots()) {
        Path base = Snapshotter.mirror(snapshotDir, Path.of(root));
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(base)) {
          paths = walk.sorted().toList();
        }
        for (Path p : paths) {
          String abs = "/" + snapshotDir.relativize(p);
          files.add(writeEntry(tar, p, abs, read, progress));
        }
      }
      manifest = new Manifest(Manifest.FORMAT, template.backupId(), template.ca(),
          template.caUrl(), template.createdAt(), template.reason(), template.dbType(),
          template.caConfig(), template.stepPath(), template.roots(), template.rootFingerprint(),
          template.intermediateFingerprint(), List.copyOf(files), template.symlinkedPaths());
      byte[] json = manifest.toJson();
      TarArchiveEntry m = new TarArchiveEntry(Manifest.entryName(template.stepPath()));
      m.setSize(json.length);
      m.setMode(0100600);
      m.setModTime(System.currentTimeMillis());
      tar.putArchiveEntry(m);
      tar.write(json);
      tar.closeArchiveEntry();
      // Closing the tar stream finishes it, then the last gzip members, then the file, in that order.
    }
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    return new Result(HashingCopy.hex(whole), Files.size(target), files.size() + 1L,
        manifest);
  }

  private static FileEntry writeEntry(TarArchiveOutputStream tar, Path p, String abs, long[] read,
      LongConsumer progress) throws IOException {
    String name = abs.substring(1);
    int perms = permissions(p);
    int uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue();
    int gid = ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).intValue();
    long mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    String mode = String.format("%04o", perms);
    if (Files.isSymbolicLink(p)) {
      String link = Files.readSymbolicLink(p).toString();
      TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      e.setLinkName(link);
      e.setMode(0120000 | perms);
      e.setIds(uid, gid);
      e.setModTime(mtime);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return new FileEntry(abs, "symlink", 0, mode, uid, gid, null, link);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      TarArchiveEntry e = new TarArchiveEntry(name + "/");
      e.setMode(040000 | perms);
      e.setIds(uid, gid);
      e.setModTime(mtime);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return new FileEntry(abs, "dir", 0, mode, uid, gid, null, null);
    }
    long size = Files.size(p);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setMode(0100000 | perms);
    e.setIds(uid, gid);
    e.setModTime(mtime);
    tar.putArchiveEntry(e);
    MessageDigest sha = sha256();
    long copied;
    try (InputStream in = Files.newInputStream(p)) {
      copied = HashingCopy.copy(in, tar, sha, n -> {
        read[0] += n;
        progress.accept(read[0]);
      });
    }
    if (copied != size) {
      throw new IOException(p + " changed size while being archived (" + size + " → " + copied
          + "): the snapshot must not be written to");
    }
    tar.closeArchiveEntry();
    return new FileEntry(abs, "file", size, mode, uid, gid, HashingCopy.hex(sha), null);
  }

  static int permissions(Path p) throws IOException {
    int mode = ((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
    return mode & 07777;
  }

  /** gzip's own default level, so archive sizes compare with the runbook's {@code tar -czf}. */
  static final int LEVEL = 6;

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
