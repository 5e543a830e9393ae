package io.stepcarecovery.archive;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.text.TerminalText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Preflight's look at everything a backup would copy, before the CA is stopped: whatever the
 * snapshot or a later restore would trip over is refused here, while the CA still runs.
 *
 * <ul>
 *   <li>A file name this JVM cannot write back byte for byte (not valid in {@code
 *       sun.jnu.encoding}: on Linux a name that is not UTF-8, or any non-ASCII name when the
 *       worker runs without a UTF-8 locale). Java decodes such a name to U+FFFD, so two of them
 *       collide in the archive and one file is lost; refusing is the only honest answer.
 *   <li>A symlink inside the tree whose target is absolute or leads outside the backed-up roots:
 *       {@link ArchiveReader} refuses such an archive at restore, so it must not be made.
 *   <li>A store whose real path lies inside a root's real path (reached through a symlink): the
 *       snapshot would copy the store into itself until the name is too long.
 * </ul>
 */
public final class TreeCheck {
  private static final int SHOWN = 5;

  private TreeCheck() {}

  /**
   * @param bytes regular-file bytes under the roots
   * @param followed configured path → real path, for each root or named path that is a symlink
   */
  public record Result(long bytes, Map<String, String> followed) {}

  public static Result check(String ca, List<Path> roots, Set<Path> follow, Set<Path> exclude, Path store)
      throws IOException {
    Map<String, String> followed = new LinkedHashMap<>();
    for (Path p : follow) {
      if (Files.isSymbolicLink(p)) {
        Path real = CaTree.real(p);
        if (real == null) {
          throw new ConfigException(p + " is a symlink to " + Files.readSymbolicLink(p) + ", which does not"
              + " exist: the CA's data is not where its config says. Fix the link (ls -l " + p + ")");
        }
        followed.put(p.toString(), real.toString());
      }
    }
    refuseStoreInside(store, roots, followed);
    List<String> badNames = new ArrayList<>();
    Map<String, String> links = new LinkedHashMap<>();
    long[] bytes = {0};
    for (Path root : roots) {
      CaTree.walk(root, follow, exclude, new CaTree.Visitor() {
        @Override
        public void directory(Path name, Path actual, BasicFileAttributes attrs) {
          representable(name, actual, badNames);
        }

        @Override
        public void entry(Path name, Path actual, BasicFileAttributes attrs) throws IOException {
          representable(name, actual, badNames);
          if (attrs.isSymbolicLink()) {
            links.put(name.toString(), Files.readSymbolicLink(actual).toString());
          } else if (attrs.isRegularFile()) {
            bytes[0] += attrs.size();
          }
        }
      });
    }
    if (!badNames.isEmpty()) {
      String enc = System.getProperty("sun.jnu.encoding");
      throw new ConfigException("CA " + ca + ": " + badNames.size() + " file name(s) cannot be stored"
          + " byte for byte (this JVM reads file names as " + enc + "): " + String.join("; ",
              badNames.subList(0, Math.min(SHOWN, badNames.size())))
          + (badNames.size() > SHOWN ? "; ..." : "") + ". The archive would hold them renamed (U+FFFD or '?'"
          + " for each such byte), where two of them can overwrite each other. "
          + (enc != null && enc.replace("-", "").equalsIgnoreCase("UTF8")
              ? "Rename them to UTF-8 names (ls -b DIR shows the bytes; mv), or move them out of the CA's data"
              : "Run the worker (the CLI itself in embedded mode) with a UTF-8 locale, e.g. LANG=C.UTF-8, or rename"
              + " them to ASCII names (ls -b DIR; mv)")
          + ", then back up again. Nothing was stopped");
    }
    refuseEscapingLinks(ca, roots, links);
    return new Result(bytes[0], followed);
  }

  /** A name survives when encoding its decoded text gives back the same bytes. */
  private static void representable(Path name, Path actual, List<String> bad) {
    Path leaf = actual.getFileName();
    if (leaf == null) {
      return;
    }
    boolean same;
    try {
      same = leaf.getFileSystem().getPath(leaf.toString()).equals(leaf);
    } catch (InvalidPathException unmappable) {
      same = false;
    }
    if (!same) {
      Path dir = actual.getParent();
      bad.add("in directory " + dir + (dir.equals(name.getParent()) ? "" : " (" + name.getParent() + ")")
          + ": '" + TerminalText.line(leaf.toString()) + "'");
    }
  }

  private static void refuseStoreInside(Path store, List<Path> roots, Map<String, String> followed)
      throws IOException {
    Path storeReal = CaTree.realOrPlanned(store);
    List<Path> reals = new ArrayList<>();
    for (Path r : roots) {
      Path real = CaTree.real(r);
      if (real != null) {
        reals.add(real);
      }
    }
    followed.values().forEach(v -> reals.add(Path.of(v)));
    for (Path real : reals) {
      if (storeReal.startsWith(real)) {
        throw new ConfigException("backups.store " + store + " is really " + storeReal + ", which lies"
            + " inside the CA's data " + real
            + " (through a symlink): a backup would copy the store into itself. Choose a store"
            + " outside the CA's data (backups.store in the config). Nothing was stopped");
      }
    }
  }

  /** The same rule {@link ArchiveReader} applies at restore, applied before anything is stopped. */
  private static void refuseEscapingLinks(String ca, List<Path> roots, Map<String, String> links) {
    Manifest m = new Manifest(Manifest.FORMAT, null, ca, null, null, null, null, null, null,
        roots.stream().map(Path::toString).toList(), null, null, List.of());
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, String> l : links.entrySet()) {
      if (l.getValue().startsWith("/") || ArchiveReader.resolve(m, links, l.getKey()) == null) {
        bad.add(l.getKey() + " -> " + TerminalText.line(l.getValue()));
      }
    }
    if (!bad.isEmpty()) {
      throw new ConfigException("CA " + ca + ": symlink(s) inside the CA's data point outside what is backed"
          + " up (" + String.join(", ", roots.stream().map(Path::toString).toList()) + "): "
          + String.join("; ", bad.subList(0, Math.min(SHOWN, bad.size()))) + (bad.size() > SHOWN ? "; ..." : "")
          + ". A restore refuses such links, so no backup is made with them. Replace each with a relative"
          + " link inside the CA's data, or with the file itself (cp --remove-destination \"$(readlink -f LINK)\""
          + " LINK). Nothing was stopped");
    }
  }
}
