package io.stepcarecovery.archive;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The rules each tar entry's header must pass as it streams by, before anything of it reaches a
 * sink: not too many entries, a safe name, none after the manifest, none twice, none beneath a
 * symlink (in either order), only files, directories and relative symlinks, no data on a
 * directory or symlink. It remembers what it admitted for {@link ManifestCheck}.
 */
final class EntryGuard {
  /** What an admitted entry is; the manifest is a file the sink never receives. */
  enum Kind { DIRECTORY, SYMLINK, FILE, MANIFEST }

  /** @param name the safe entry name, without a trailing '/'; @param mode its permission bits */
  record Entry(String name, Kind kind, int mode, TarArchiveEntry header) {
    /** Where it lands: absolute, as on the CA host. */
    String path() {
      return "/" + name;
    }
  }

  private final Path archive;
  private final long maxEntries;
  private final Map<String, TarArchiveEntry> seen = new HashMap<>();
  private final Set<String> symlinks = new HashSet<>();
  private final Set<String> parents = new HashSet<>();
  private String manifestName;
  private long entries;

  EntryGuard(Path archive, long maxEntries) {
    this.archive = archive;
    this.maxEntries = maxEntries;
  }

  /** @throws UnsafeArchiveException naming the entry and what is wrong with it */
  Entry admit(TarArchiveEntry e) {
    if (++entries > maxEntries) {
      throw new UnsafeArchiveException(archive + " has more than " + maxEntries
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
        throw beneathLink(name, parent);
      }
      parents.add(parent);
    }
    seen.put(name, e);
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
      return new Entry(name, Kind.DIRECTORY, mode, e);
    }
    if (link) {
      String target = e.getLinkName();
      if (target.isEmpty() || target.startsWith("/") || target.contains("\0")) {
        throw new UnsafeArchiveException(archive + ": symlink '" + name + "' points to '" + target
            + "': only relative links inside the backup are allowed");
      }
      if (parents.contains(name)) {
        String below = seen.keySet().stream().filter(n -> n.startsWith(name + "/")).sorted()
            .findFirst().orElse(name + "/...");
        throw beneathLink(below, name);
      }
      symlinks.add(name);
      return new Entry(name, Kind.SYMLINK, mode, e);
    }
    if (name.endsWith("/" + Manifest.DIR + "/" + Manifest.NAME)) {
      // Whatever follows is refused; were the manifest's own content refused, the read ends.
      manifestName = name;
      return new Entry(name, Kind.MANIFEST, mode, e);
    }
    return new Entry(name, Kind.FILE, mode, e);
  }

  /** Every entry admitted, by name. */
  Map<String, TarArchiveEntry> seen() {
    return seen;
  }

  /** The manifest's entry name, null until it was admitted. */
  String manifestName() {
    return manifestName;
  }

  long entries() {
    return entries;
  }

  private UnsafeArchiveException beneathLink(String name, String link) {
    return new UnsafeArchiveException(archive + ": entry '" + name + "' lies beneath the"
        + " symlink '" + link + "': refused (writing through a link escapes the restore)");
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
