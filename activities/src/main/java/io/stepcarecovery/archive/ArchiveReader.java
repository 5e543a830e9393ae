package io.stepcarecovery.archive;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
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
import org.apache.commons.compress.archivers.tar.TarConstants;
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
   * @param maxRatio uncompressed ÷ compressed above which (past {@code ratioFloor} bytes) the
   *     input is a bomb
   * @param ratioFloor uncompressed bytes below which the ratio is not checked (1 GiB by default:
   *     small files of zeros compress well and are no threat)
   */
  public record Limits(long maxEntries, long maxBytes, long maxRatio, long ratioFloor) {
    public static final Limits DEFAULT = new Limits(200_000, 256L << 30, 1000);

    /** With the ratio checked past 1 GiB. */
    public Limits(long maxEntries, long maxBytes, long maxRatio) {
      this(maxEntries, maxBytes, maxRatio, 1L << 30);
    }
  }

  /** Receives a verified-so-far entry; paths are absolute as on the CA host. */
  public interface Sink {
    void directory(String path, int mode) throws IOException;

    OutputStream file(String path, int mode) throws IOException;

    void symlink(String path, String target) throws IOException;
  }

  /**
   * What lies between the file and its gzip stream: nothing for a plain archive, an OpenPGP
   * decryption for an encrypted one. Whatever it yields is checked like any archive; a layer
   * that verifies integrity must fail at the end of its stream, before {@link #read} returns.
   */
  public interface Layer {
    Layer NONE = raw -> raw;

    InputStream open(InputStream raw) throws IOException;
  }

  public record Verified(Manifest manifest, String sha256, long sizeBytes, long entries, long bytes) {}

  public static Verified verify(Path archive) {
    return read(archive, Limits.DEFAULT, null, b -> {});
  }

  public static Verified read(Path archive, Limits limits, Sink sink, LongConsumer progress) {
    return read(archive, Layer.NONE, limits, sink, progress);
  }

  public static Verified read(Path archive, Layer layer, Limits limits, Sink sink, LongConsumer progress) {
    try {
      return readUnchecked(archive, layer, limits, sink, progress);
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

  private static Verified readUnchecked(Path archive, Layer layer, Limits limits, Sink given,
      LongConsumer progress)
      throws IOException {
    // The sink's own failures (a full disk under the staging area) are not the archive's fault:
    // they leave as UncheckedIOException, not as "corrupt archive, use another backup".
    Sink sink = given == null ? null : new SinkFailures(given);
    MessageDigest whole = ArchiveWriter.sha256();
    long size = Files.size(archive);
    if (size == 0) {
      throw new EOFException("empty file");
    }
    Map<String, TarArchiveEntry> seen = new HashMap<>();
    Map<String, String> hashes = new HashMap<>();
    Set<String> symlinks = new HashSet<>();
    Set<String> parents = new HashSet<>();
    byte[] manifestJson = null;
    String manifestName = null;
    long bytes = 0;
    long entries = 0;
    try (InputStream raw = Files.newInputStream(archive);
        DigestInputStream digest = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), whole);
        // Counting does not support mark/reset, so gzip buffers on top of it and every byte
        // passes the digest exactly once.
        CountingInputStream compressed = new CountingInputStream(digest);
        InputStream payload = layer.open(compressed);
        GzipCompressorInputStream gz = new GzipCompressorInputStream(payload, true);
        // Inflate (and the whole-file digest under it) on a thread of its own, a few bounded
        // chunks ahead of the tar parsing, per-file hashing and writing on this one.
        InflatingStream inflated = new InflatingStream(gz, compressed, payload, digest);
        TarHeaderGuard tar = new TarHeaderGuard(archive, inflated)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (++entries > limits.maxEntries()) {
          throw new UnsafeArchiveException(archive + " has more than " + limits.maxEntries()
              + " entries: refused as a tar bomb");
        }
        String name = EntryNames.safe(archive, e.getName());
        if (manifestName != null) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' follows the manifest;"
              + " the manifest must be the last entry");
        }
        if (seen.containsKey(name)) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' appears twice: refused"
              + " (a second copy could silently replace the first)");
        }
        for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
          String parent = name.substring(0, i);
          if (symlinks.contains(parent)) {
            throw beneathLink(archive, name, parent);
          }
          parents.add(parent);
        }
        seen.put(name, e);
        String abs = "/" + name;
        int mode = e.getMode() & 07777;
        // By the type flag alone: Commons Compress calls devices and fifos files (isFile()) and
        // anything named with a trailing slash, hard links included, a directory.
        byte type = e.getLinkFlag();
        boolean dir = type == TarConstants.LF_DIR;
        boolean link = type == TarConstants.LF_SYMLINK;
        boolean file = (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM)
            && !e.getName().endsWith("/");
        if (!dir && !link && !file || e.isSparse()) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' is a "
              + kind(e) + ": refused (a step-ca backup holds only files, directories and symlinks)");
        }
        if ((dir || link) && e.getSize() != 0) {
          throw new UnsafeArchiveException(archive + ": entry '" + name + "' is a "
              + (dir ? "directory" : "symlink") + " with " + e.getSize() + " bytes of data: refused");
        }
        if (dir) {
          if (sink != null) {
            sink.directory(abs, mode);
          }
        } else if (link) {
          String target = e.getLinkName();
          if (target.isEmpty() || target.startsWith("/") || target.contains("\0")) {
            throw new UnsafeArchiveException(archive + ": symlink '" + name + "' points to '" + target
                + "': only relative links inside the backup are allowed");
          }
          if (parents.contains(name)) {
            String below = seen.keySet().stream().filter(n -> n.startsWith(name + "/")).sorted()
                .findFirst().orElse(name + "/...");
            throw beneathLink(archive, below, name);
          }
          symlinks.add(name);
          if (sink != null) {
            sink.symlink(abs, target);
          }
        } else {
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
              checkRatio(archive, limits, bytes, inflated.compressed());
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
        }
      }
      // Drain what follows the tar end (padding, gzip trailer) so the checksum covers the file.
      // Only zeros may follow, and they count against the limits: a gzip bomb can hide there.
      byte[] buf = new byte[1 << 16];
      for (int n; (n = inflated.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != 0) {
            throw new UnsafeArchiveException(archive + " has data after the end of its tar stream:"
                + " refused (appended or tampered)");
          }
        }
        bytes += n;
        if (bytes > limits.maxBytes()) {
          throw new UnsafeArchiveException(archive + " would expand beyond " + limits.maxBytes()
              + " bytes: refused as a tar bomb");
        }
        checkRatio(archive, limits, bytes, inflated.compressed());
      }
      // (the inflating thread drained the payload to its end, which is what makes a decrypting
      // layer check its integrity, then the bytes after it into the digest)
    }
    Manifest manifest = ManifestCheck.verify(archive, manifestJson, manifestName, seen, hashes);
    return new Verified(manifest, HexFormat.of().formatHex(whole.digest()), size, entries, bytes);
  }

  private static void checkRatio(Path archive, Limits limits, long bytes, long compressed) {
    if (bytes > limits.ratioFloor() && bytes > limits.maxRatio() * Math.max(1, compressed)) {
      throw new UnsafeArchiveException(archive + " expands more than " + limits.maxRatio()
          + "× its compressed size: refused as a gzip bomb");
    }
  }

  private static UnsafeArchiveException beneathLink(Path archive, String name, String link) {
    return new UnsafeArchiveException(archive + ": entry '" + name + "' lies beneath the"
        + " symlink '" + link + "': refused (writing through a link escapes the restore)");
  }

  /**
   * Where a symlink leads once restored, following the archive's other links as the kernel
   * would; null when it leaves the roots or loops. See {@link ManifestCheck#resolve}.
   */
  static String resolve(Manifest m, Map<String, String> links, String link) {
    return ManifestCheck.resolve(m, links, link);
  }

  private static String kind(TarArchiveEntry e) {
    if (e.getLinkFlag() == TarConstants.LF_LINK) {
      return "hard link to '" + e.getLinkName() + "'";
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      return "device file";
    }
    if (e.isFIFO()) {
      return "fifo";
    }
    if (e.isSparse()) {
      return "sparse file";
    }
    if (e.getName().endsWith("/") && (e.getLinkFlag() == TarConstants.LF_NORMAL
        || e.getLinkFlag() == TarConstants.LF_OLDNORM)) {
      return "file named like a directory";
    }
    return "special entry (type '" + (char) e.getLinkFlag() + "')";
  }
}
