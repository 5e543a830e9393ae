package io.stepcarecovery.archive;

import java.nio.file.Path;

/**
 * The one rule for a name an archive gives: it can only land where it says. The parsed entry
 * name, the raw tar header's, an extended header's and each root the manifest names all pass
 * here, so the rule cannot differ between them.
 */
final class EntryNames {
  private EntryNames() {}

  /**
   * An entry name that can only land where it says: relative, no '..', nothing odd.
   *
   * @return the name without a trailing '/'
   * @throws UnsafeArchiveException naming {@code archive} and the name as given
   */
  static String safe(Path archive, String raw) {
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
}
