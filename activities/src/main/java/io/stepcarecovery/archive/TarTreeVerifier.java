package io.stepcarecovery.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The archive's checks ({@link EntryGuard} on every entry, then {@link ManifestCheck}) on a
 * snapshot directory that comes as a plain tar stream with its manifest apart, as
 * {@code restic dump SNAPSHOT /snapshot --archive tar} gives it: every file's size and SHA-256
 * against the manifest, no entry unlisted, no listed path missing, no symlink leading out.
 * Directories above the roots (the snapshot mirrors absolute paths) are the only entries let
 * through unlisted.
 */
public final class TarTreeVerifier {
  private TarTreeVerifier() {}

  /**
   * @param source what to name in errors (e.g. the restic repository and snapshot)
   * @param prefix the entries' common prefix to strip, e.g. {@code snapshot/}
   * @param manifestJson the manifest as written at backup time
   * @return the manifest, once the tree matches it exactly
   */
  public static Manifest verify(String source, InputStream tar, String prefix, byte[] manifestJson,
      LongConsumer progress) throws IOException {
    Path named = Path.of(source);
    Manifest m;
    try {
      m = Manifest.parse(manifestJson);
    } catch (IOException e) {
      throw new UnsafeArchiveException(source + ": manifest is not valid JSON: " + e.getMessage());
    }
    if (m.stepPath() == null || !m.stepPath().startsWith("/") || m.roots() == null) {
      throw new UnsafeArchiveException(source + ": manifest has no step path or roots: refused");
    }
    EntryGuard guard = new EntryGuard(named, ArchiveReader.Limits.DEFAULT.maxEntries());
    Map<String, String> hashes = new HashMap<>();
    long[] bytes = {0};
    TarArchiveInputStream in = new TarArchiveInputStream(tar);
    for (TarArchiveEntry e; (e = in.getNextTarEntry()) != null; ) {
      String raw = e.getName();
      if (!raw.startsWith(prefix)) {
        throw new UnsafeArchiveException(source + ": entry '" + raw + "' lies outside " + prefix + ": refused");
      }
      String name = raw.substring(prefix.length());
      String bare = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
      if (bare.isEmpty() || e.getLinkFlag() == TarConstants.LF_DIR && aboveARoot(m, "/" + bare)) {
        continue;
      }
      e.setName(name);
      EntryGuard.Entry entry = guard.admit(e);
      if (entry.kind() == EntryGuard.Kind.FILE || entry.kind() == EntryGuard.Kind.MANIFEST) {
        MessageDigest sha = ArchiveWriter.sha256();
        long copied = HashingCopy.copy(in, OutputStream.nullOutputStream(), sha, n -> progress.accept(bytes[0] += n));
        if (copied != e.getSize()) {
          throw new UnsafeArchiveException(source + ": " + name + " is shorter than its header says");
        }
        hashes.put(entry.name(), HashingCopy.hex(sha));
      }
    }
    return ManifestCheck.verify(named, manifestJson, Manifest.entryName(m.stepPath()), guard.seen(), hashes);
  }

  /** Whether {@code dir} is a proper ancestor of one of the manifest's roots. */
  private static boolean aboveARoot(Manifest m, String dir) {
    return m.roots().stream().anyMatch(r -> r.startsWith(dir + "/"));
  }
}
