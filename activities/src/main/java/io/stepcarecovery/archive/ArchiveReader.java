package io.stepcarecovery.archive;

import io.stepcarecovery.archive.Manifest.FileEntry;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a backup archive without trusting it: every entry name, type and size is checked as it
 * streams by, every file is hashed, and at the end the manifest must account for exactly what
 * was read. A {@link Sink} receives the content (restore extracts into a staging directory); it
 * is only trusted once {@link #read} returned, because a bad manifest is found last.
 */
public final class ArchiveReader {
  private ArchiveReader() {}

  /**
   * Bounds against tar and gzip bombs.
   *
   * @param maxRatio uncompressed ÷ compressed above which (past 1 GiB) the input is a bomb
   */
  public record Limits(long maxEntries, long maxBytes, long maxRatio) {
    public static final Limits DEFAULT = new Limits(200_000, 256L << 30, 1000);
  }

  /** Receives a verified-so-far entry; paths are absolute as on the CA host. */
  public interface Sink {
    void directory(String path, int mode) throws IOException;

    OutputStream file(String path, int mode) throws IOException;

    void symlink(String path, String target) throws IOException;
  }

  public record Verified(Manifest manifest, String sha256, long sizeBytes, long entries, long bytes) {}

  public static Verified verify(Path archive) {
    return read(archive, Limits.DEFAULT, null, b -> {});
  }

  public static Verified read(Path archive, Limits limits, Sink sink, LongConsumer progress) {
    try {
      return readUnchecked(archive, limits, sink, progress);
    } catch (NoSuchFileException e) {
      throw new UnsafeArchiveException("archive " + archive + " does not exist");
    } catch (EOFException e) {
      throw new UnsafeArchiveException("archive " + archive + " is truncated (unexpected end of data):"
          + " it was not completely written or copied; use another backup", e);
    } catch (IOException e) {
      throw new UnsafeArchiveException("archive " + archive + " is corrupt: " + e.getMessage()
          + "; use another backup", e);
    }
  }

  private static Verified readUnchecked(Path archive, Limits limits, Sink sink, LongConsumer progress)
      throws IOException {
    MessageDigest whole = ArchiveWriter.sha256();
    long size = Files.size(archive);
    Map<String, TarArchiveEntry> seen = new HashMap<>();
    Map<String, String> hashes = new HashMap<>();
    Set<String> symlinks = new HashSet<>();
    byte[] manifestJson = null;
    String manifestName = null;
    long bytes = 0;
    long entries = 0;
    try (InputStream raw = Files.newInputStream(archive);
        DigestInputStream digest = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), whole);
        // Counting does not support mark/reset, so gzip buffers on top of it and every byte
        // passes the digest exactly once.
        Counting compressed = new Counting(digest);
        GzipCompressorInputStream gz = new GzipCompressorInputStream(compressed, true);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (++entries > limits.maxEntries()) {
          throw new UnsafeArchiveException(archive + " has more than " + limits.maxEntries()
              + " entries: refused as a tar bomb");
        }
        String name = safeName(archive, e.getName());
        if (manifestName != null) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' follows the manifest;"
              + " the manifest must be the last entry");
        }
        if (seen.containsKey(name)) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' appears twice: refused"
              + " (a second copy could silently replace the first)");
        }
        for (String link : symlinks) {
          if (name.startsWith(link + "/")) {
            throw new UnsafeArchiveException(archive + ": entry '" + name + "' lies beneath the"
                + " symlink '" + link + "': refused (writing through a link escapes the restore)");
          }
        }
        seen.put(name, e);
        String abs = "/" + name;
        int mode = e.getMode() & 07777;
        if (e.isDirectory()) {
          if (sink != null) {
            sink.directory(abs, mode);
          }
        } else if (e.isSymbolicLink()) {
          String target = e.getLinkName();
          if (target.isEmpty() || target.startsWith("/") || target.contains("\0")) {
            throw new UnsafeArchiveException(archive + ": symlink '" + name + "' points to '" + target
                + "': only relative links inside the backup are allowed");
          }
          symlinks.add(name);
          if (sink != null) {
            sink.symlink(abs, target);
          }
        } else if (e.isFile() && !e.isLink()) {
          if (e.getSize() < 0 || bytes + e.getSize() > limits.maxBytes()) {
            throw new UnsafeArchiveException(archive + " would expand beyond " + limits.maxBytes()
                + " bytes: refused as a tar bomb");
          }
          boolean isManifest = name.endsWith("/" + Manifest.DIR + "/" + Manifest.NAME);
          MessageDigest sha = ArchiveWriter.sha256();
          ByteArrayOutputStream keep = isManifest ? new ByteArrayOutputStream() : null;
          if (isManifest && e.getSize() > (16 << 20)) {
            throw new UnsafeArchiveException(archive + ": manifest is implausibly large");
          }
          try (OutputStream out = !isManifest && sink != null ? sink.file(abs, mode) : OutputStream.nullOutputStream()) {
            byte[] buf = new byte[1 << 16];
            long n0 = 0;
            for (int n; (n = tar.read(buf)) > 0; ) {
              sha.update(buf, 0, n);
              out.write(buf, 0, n);
              if (keep != null) {
                keep.write(buf, 0, n);
              }
              n0 += n;
              bytes += n;
              if (bytes > (1L << 30) && bytes > limits.maxRatio() * Math.max(1, compressed.count)) {
                throw new UnsafeArchiveException(archive + " expands more than " + limits.maxRatio()
                    + "× its compressed size: refused as a gzip bomb");
              }
              progress.accept(bytes);
            }
            if (n0 != e.getSize()) {
              throw new EOFException("entry " + name + " is shorter than its header says");
            }
          }
          if (isManifest) {
            manifestName = name;
            manifestJson = keep.toByteArray();
          } else {
            hashes.put(name, HexFormat.of().formatHex(sha.digest()));
          }
        } else {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' is a "
              + kind(e) + ": refused (a step-ca backup holds only files, directories and symlinks)");
        }
      }
      // Drain what follows the tar end (padding, gzip trailer) so the checksum covers the file.
      byte[] buf = new byte[1 << 16];
      while (gz.read(buf) > 0) {
        // A second tar stream after the end marker is not ours.
      }
      while (digest.read(buf) > 0) {
        // trailing bytes
      }
    }
    if (manifestJson == null) {
      throw new UnsafeArchiveException(archive + " has no stepca-recovery manifest: it was not made"
          + " by this tool or is incomplete; refused");
    }
    Manifest manifest;
    try {
      manifest = Manifest.parse(manifestJson);
    } catch (IOException ex) {
      throw new UnsafeArchiveException(archive + ": manifest is not valid JSON: " + ex.getMessage());
    }
    check(archive, manifest, manifestName, seen, hashes);
    return new Verified(manifest, HexFormat.of().formatHex(whole.digest()), size, entries, bytes);
  }

  private static void check(Path archive, Manifest m, String manifestName,
      Map<String, TarArchiveEntry> seen, Map<String, String> hashes) {
    if (m.formatVersion() != Manifest.FORMAT || m.files() == null || m.roots() == null
        || m.stepPath() == null || m.caConfig() == null) {
      throw new UnsafeArchiveException(archive + ": manifest format " + m.formatVersion()
          + " is not one this version reads (expected " + Manifest.FORMAT + " with files, roots, stepPath, caConfig)");
    }
    if (!manifestName.equals(Manifest.entryName(m.stepPath()))) {
      throw new UnsafeArchiveException(archive + ": manifest sits at '" + manifestName
          + "', not under its step path " + m.stepPath());
    }
    for (String root : m.roots()) {
      safeName(archive, root.startsWith("/") ? root.substring(1) : "/");
    }
    Set<String> listed = new HashSet<>();
    for (FileEntry f : m.files()) {
      String name = f.path().startsWith("/") ? f.path().substring(1) : null;
      if (name == null || !underRoot(m, f.path())) {
        throw new UnsafeArchiveException(archive + ": manifest lists '" + f.path()
            + "' outside the backed-up roots " + m.roots());
      }
      listed.add(name);
      TarArchiveEntry e = seen.get(name);
      if (e == null) {
        throw new UnsafeArchiveException(archive + ": manifest lists " + f.path()
            + " but the archive does not hold it (incomplete or tampered)");
      }
      String type = e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : "file";
      if (!type.equals(f.type())) {
        throw new UnsafeArchiveException(archive + ": " + f.path() + " is a " + type
            + " in the archive but a " + f.type() + " in the manifest");
      }
      if (type.equals("file") && (e.getSize() != f.size() || !hashes.get(name).equals(f.sha256()))) {
        throw new UnsafeArchiveException(archive + ": checksum mismatch for " + f.path()
            + " (the archive's content differs from its manifest): refused; use another backup");
      }
      if (type.equals("symlink")) {
        Path resolved = Path.of(f.path()).getParent().resolve(e.getLinkName()).normalize();
        if (!underRoot(m, resolved.toString())) {
          throw new UnsafeArchiveException(archive + ": symlink " + f.path() + " → " + e.getLinkName()
              + " leads outside the backed-up roots: refused");
        }
      }
    }
    for (String name : seen.keySet()) {
      if (!name.equals(manifestName) && !listed.contains(name)) {
        throw new UnsafeArchiveException(archive + ": entry '" + name + "' is not in the manifest"
            + " (added after the backup was made?): refused");
      }
    }
    if (!listed.contains(m.caConfig().substring(1))) {
      throw new UnsafeArchiveException(archive + " does not contain ca.json (" + m.caConfig()
          + "): it cannot restore a CA");
    }
  }

  private static boolean underRoot(Manifest m, String path) {
    for (String root : m.roots()) {
      if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")) {
        return true;
      }
    }
    return false;
  }

  /** An entry name that can only land where it says: relative, no '..', nothing odd. */
  static String safeName(Path archive, String raw) {
    String name = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    if (name.isEmpty() || name.startsWith("/") || name.contains("\0") || name.contains("\\")
        || name.length() > 4096) {
      throw new UnsafeArchiveException(archive + ": entry name '" + raw + "' is absolute, empty or"
          + " malformed: refused (path traversal)");
    }
    for (String seg : name.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new UnsafeArchiveException(archive + ": entry name '" + raw + "' contains '"
            + (seg.isEmpty() ? "//" : seg) + "': refused (path traversal)");
      }
    }
    return name;
  }

  private static String kind(TarArchiveEntry e) {
    if (e.isLink()) {
      return "hard link to '" + e.getLinkName() + "'";
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      return "device file";
    }
    if (e.isFIFO()) {
      return "fifo";
    }
    return "special entry (type '" + (char) e.getLinkFlag() + "')";
  }

  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
