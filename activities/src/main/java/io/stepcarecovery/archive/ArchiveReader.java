package io.stepcarecovery.archive;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

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
    EntryGuard guard = new EntryGuard(archive, limits.maxEntries());
    ExpansionBudget budget = new ExpansionBudget(archive, limits);
    Map<String, String> hashes = new HashMap<>();
    byte[] manifestJson = null;
    try (InflatedStream inflated = inflate(archive, size, layer, whole);
        TarHeaderGuard tar = new TarHeaderGuard(archive, inflated)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        EntryGuard.Entry entry = guard.admit(e);
        switch (entry.kind()) {
          case DIRECTORY -> {
            if (sink != null) {
              sink.directory(entry.path(), entry.mode());
            }
          }
          case SYMLINK -> {
            if (sink != null) {
              sink.symlink(entry.path(), e.getLinkName());
            }
          }
          case FILE -> {
            budget.announce(e.getSize());
            OutputStream out = sink != null ? sink.file(entry.path(), entry.mode()) : OutputStream.nullOutputStream();
            hashes.put(entry.name(), copy(tar, entry, out, budget, inflated, progress));
          }
          case MANIFEST -> {
            budget.announce(e.getSize());
            if (e.getSize() > (16 << 20)) {
              throw new UnsafeArchiveException(archive + ": manifest is implausibly large");
            }
            // kept for the cross-check, never given to the sink
            ByteArrayOutputStream keep = new ByteArrayOutputStream();
            copy(tar, entry, keep, budget, inflated, progress);
            manifestJson = keep.toByteArray();
          }
        }
      }
      drainTrailer(archive, inflated, budget);
    }
    Manifest manifest = ManifestCheck.verify(archive, manifestJson, guard.manifestName(), guard.seen(), hashes);
    return new Verified(manifest, HashingCopy.hex(whole), size, guard.entries(),
        budget.bytes());
  }

  /**
   * The decompressed stream: across cores when the archive carries a valid {@link MemberIndex},
   * else member after member on one thread, as for archives written before the index existed.
   * Under a layer always sequentially: a decryption (the members are inside the ciphertext) or a
   * signature check (it must see the file as one stream, as the sequential path gives it).
   */
  private static InflatedStream inflate(Path archive, long size, Layer layer, MessageDigest whole)
      throws IOException {
    if (layer == Layer.NONE) {
      Optional<MemberIndex> index;
      try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
        index = MemberIndex.find(ch, size);
      }
      if (index.isPresent()) {
        return new ParallelInflatingStream(archive, index.get(), whole,
            ParallelGzipOutputStream.defaultThreads());
      }
    }
    return InflatingStream.open(archive, layer, whole);
  }

  /** One file's content from the tar into {@code target}, counted and hashed; its SHA-256 in hex. */
  private static String copy(TarHeaderGuard tar, EntryGuard.Entry entry, OutputStream target,
      ExpansionBudget budget, InflatedStream inflated, LongConsumer progress) throws IOException {
    MessageDigest sha = ArchiveWriter.sha256();
    try (OutputStream out = target) {
      long copied = HashingCopy.copy(tar, out, sha, n -> {
        budget.content(n, inflated.compressed());
        progress.accept(budget.bytes());
      });
      if (copied != entry.header().getSize()) {
        throw new EOFException("entry " + entry.name() + " is shorter than its header says");
      }
    }
    return HashingCopy.hex(sha);
  }

  /**
   * Drains what follows the tar end (padding, gzip trailer) so the checksum covers the file.
   * Only zeros may follow, and they count against the limits: a gzip bomb can hide there.
   */
  private static void drainTrailer(Path archive, InflatedStream inflated, ExpansionBudget budget)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    for (int n; (n = inflated.read(buf)) > 0; ) {
      for (int i = 0; i < n; i++) {
        if (buf[i] != 0) {
          throw new UnsafeArchiveException(archive + " has data after the end of its tar stream:"
              + " refused (appended or tampered)");
        }
      }
      budget.trailing(n, inflated.compressed());
    }
    // (the inflating thread drained the payload to its end, which is what makes a decrypting
    // layer check its integrity, then the bytes after it into the digest)
  }

  /**
   * Where a symlink leads once restored, following the archive's other links as the kernel
   * would; null when it leaves the roots or loops. See {@link ManifestCheck#resolve}.
   */
  static String resolve(Manifest m, Map<String, String> links, String link) {
    return ManifestCheck.resolve(m, links, link);
  }
}
