package io.stepcarecovery.copies;

import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.Manifest.FileEntry;
import java.util.Map;
import java.util.TreeMap;

/** Compares two manifests' files by what a restore depends on: path, type, size, SHA-256, link target, mode. */
final class SnapshotFiles {
  private SnapshotFiles() {}

  /** The first difference, for a person to read, or null when the files are the same. */
  static String difference(Manifest expected, Manifest actual) {
    Map<String, FileEntry> want = byPath(expected);
    Map<String, FileEntry> got = byPath(actual);
    for (Map.Entry<String, FileEntry> e : want.entrySet()) {
      FileEntry g = got.get(e.getKey());
      FileEntry w = e.getValue();
      if (g == null) {
        return e.getKey() + " is missing";
      }
      if (!w.type().equals(g.type())) {
        return e.getKey() + " is a " + g.type() + ", the manifest says " + w.type();
      }
      if ("file".equals(w.type()) && (w.size() != g.size() || !w.sha256().equals(g.sha256()))) {
        return "checksum mismatch for " + e.getKey() + " (" + g.size() + " bytes, SHA-256 " + g.sha256()
            + "; the manifest says " + w.size() + " bytes, " + w.sha256() + ")";
      }
      if ("symlink".equals(w.type()) && !java.util.Objects.equals(w.link(), g.link())) {
        return e.getKey() + " links to " + g.link() + ", the manifest says " + w.link();
      }
      if (!w.mode().equals(g.mode())) {
        return e.getKey() + " has mode " + g.mode() + ", the manifest says " + w.mode();
      }
    }
    for (String p : got.keySet()) {
      if (!want.containsKey(p)) {
        return p + " is not in the manifest";
      }
    }
    return null;
  }

  private static Map<String, FileEntry> byPath(Manifest m) {
    Map<String, FileEntry> out = new TreeMap<>();
    for (FileEntry f : m.files()) {
      out.put(f.path(), f);
    }
    return out;
  }
}
