package io.stepcarecovery.archive;

import io.stepcarecovery.archive.Manifest.FileEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The manifest cross-check, run once every entry was read: the manifest must be there, parse,
 * be a format this version reads, sit under its own step path, and account for exactly what the
 * archive held (each file's size and SHA-256, each entry's type, no entry unlisted, no listed
 * path missing or outside the roots, no symlink leading out of them, ca.json among them). Its
 * input is what the entry loop saw, not the archive: it can be read and fed alone.
 */
final class ManifestCheck {
  private ManifestCheck() {}

  /**
   * @param json the manifest entry's bytes, null when the archive had none
   * @param manifestName the manifest's entry name
   * @param seen every entry read, by name
   * @param hashes each regular file's SHA-256 (hex), by name
   * @return the manifest, once it accounts for exactly what was read
   */
  static Manifest verify(Path archive, byte[] json, String manifestName,
      Map<String, TarArchiveEntry> seen, Map<String, String> hashes) {
    if (json == null) {
      throw new UnsafeArchiveException(archive + " has no stepca-recovery manifest: it was not made"
          + " by this tool or is incomplete; refused");
    }
    Manifest manifest;
    try {
      manifest = Manifest.parse(json);
    } catch (IOException ex) {
      throw new UnsafeArchiveException(archive + ": manifest is not valid JSON: " + ex.getMessage());
    }
    check(archive, manifest, manifestName, seen, hashes);
    return manifest;
  }

  private static void check(Path archive, Manifest m, String manifestName,
      Map<String, TarArchiveEntry> seen, Map<String, String> hashes) {
    if (m.formatVersion() != Manifest.FORMAT || m.files() == null || m.roots() == null
        || m.stepPath() == null || m.caConfig() == null || m.roots().contains(null)
        || m.files().contains(null)) {
      throw new UnsafeArchiveException(archive + ": manifest format " + m.formatVersion()
          + " is not one this version reads (expected " + Manifest.FORMAT + " with files, roots, stepPath, caConfig)");
    }
    if (!m.stepPath().startsWith("/") || !manifestName.equals(Manifest.entryName(m.stepPath()))) {
      throw new UnsafeArchiveException(archive + ": manifest sits at '" + manifestName
          + "', not under its step path " + m.stepPath());
    }
    for (String root : m.roots()) {
      EntryNames.safe(archive, root.startsWith("/") ? root.substring(1) : "/");
    }
    Map<String, String> links = new HashMap<>();
    seen.forEach((name, e) -> {
      if (e.getLinkFlag() == TarConstants.LF_SYMLINK) {
        links.put("/" + name, e.getLinkName());
      }
    });
    Set<String> listed = new HashSet<>();
    for (FileEntry f : m.files()) {
      String name = f.path() != null && f.path().startsWith("/") ? f.path().substring(1) : null;
      if (name == null || !underRoot(m, f.path())) {
        throw new UnsafeArchiveException(archive + ": manifest lists '" + f.path()
            + "' outside the backed-up roots " + m.roots());
      }
      if (name.equals(manifestName)) {
        // The manifest cannot vouch for itself (its own hash is not known while it is read).
        throw new UnsafeArchiveException(archive + ": manifest lists itself (" + f.path() + "): refused");
      }
      listed.add(name);
      TarArchiveEntry e = seen.get(name);
      if (e == null) {
        throw new UnsafeArchiveException(archive + ": manifest lists " + f.path()
            + " but the archive does not hold it (incomplete or tampered)");
      }
      String type = e.getLinkFlag() == TarConstants.LF_DIR ? "dir"
          : e.getLinkFlag() == TarConstants.LF_SYMLINK ? "symlink" : "file";
      if (!type.equals(f.type())) {
        throw new UnsafeArchiveException(archive + ": " + f.path() + " is a " + type
            + " in the archive but a " + f.type() + " in the manifest");
      }
      if (type.equals("file") && (e.getSize() != f.size() || !hashes.get(name).equals(f.sha256()))) {
        throw new UnsafeArchiveException(archive + ": checksum mismatch for " + f.path()
            + " (the archive's content differs from its manifest): refused; use another backup");
      }
      if (type.equals("symlink") && resolve(m, links, f.path()) == null) {
        throw new UnsafeArchiveException(archive + ": symlink " + f.path() + " → " + e.getLinkName()
            + " leads outside the backed-up roots: refused");
      }
    }
    for (String name : seen.keySet()) {
      if (!name.equals(manifestName) && !listed.contains(name)) {
        throw new UnsafeArchiveException(archive + ": entry '" + name + "' is not in the manifest"
            + " (added after the backup was made?): refused");
      }
    }
    if (!m.caConfig().startsWith("/") || !listed.contains(m.caConfig().substring(1))) {
      throw new UnsafeArchiveException(archive + " does not contain ca.json (" + m.caConfig()
          + "): it cannot restore a CA");
    }
  }

  /**
   * Where a symlink leads once restored, following the archive's other links as the kernel
   * would (a lexical {@code normalize()} is fooled by {@code a -> ..} plus {@code b -> a/../..});
   * null when it leaves the roots, descends outside them where the host's own links are unknown,
   * or loops.
   */
  static String resolve(Manifest m, Map<String, String> links, String link) {
    Deque<String> rest = new ArrayDeque<>(List.of(links.get(link).split("/")));
    List<String> at = new ArrayList<>(List.of(link.substring(1).split("/")));
    at.remove(at.size() - 1);
    int hops = 0;
    while (!rest.isEmpty()) {
      String c = rest.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!at.isEmpty()) {
          at.remove(at.size() - 1);
        }
        continue;
      }
      at.add(c);
      String p = "/" + String.join("/", at);
      if (!underRoot(m, p) && m.roots().stream().noneMatch(r -> r.startsWith(p + "/"))) {
        return null;
      }
      String target = links.get(p);
      if (target != null) {
        if (++hops > 40 || target.startsWith("/")) {
          return null;
        }
        at.remove(at.size() - 1);
        List<String> t = List.of(target.split("/"));
        for (int i = t.size() - 1; i >= 0; i--) {
          rest.addFirst(t.get(i));
        }
      }
    }
    String p = "/" + String.join("/", at);
    return underRoot(m, p) ? p : null;
  }

  private static boolean underRoot(Manifest m, String path) {
    for (String root : m.roots()) {
      if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")) {
        return true;
      }
    }
    return false;
  }
}
