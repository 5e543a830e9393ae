package io.stepcarecovery.archive;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Walks a CA's backup roots by the names its config gives them, reading the content where it
 * really is. A root, or a path ca.json names (db.dataSource, valueDir, the certificates and key),
 * that is a symlink ({@code /etc/step-ca -> /srv/step-ca}) is followed: its content is visited
 * under the configured name, so an archive restores to where ca.json says. Every other symlink
 * is visited as a symlink and never followed.
 *
 * <p>Preflight ({@link TreeCheck}) and the snapshot ({@link Snapshotter}) both walk through here,
 * so what preflight checked is exactly what the snapshot copies.
 */
public final class CaTree {
  private CaTree() {}

  public interface Visitor {
    /** Before a directory's children; {@code actual} is where it is on disk. */
    void directory(Path name, Path actual, BasicFileAttributes attrs) throws IOException;

    /** A file, symlink, or anything else that is not a directory. */
    void entry(Path name, Path actual, BasicFileAttributes attrs) throws IOException;

    /** After a directory's children. */
    default void directoryDone(Path name, Path actual) throws IOException {}
  }

  /**
   * @param root a configured absolute path (followed when it is a symlink)
   * @param follow configured paths under the root that are followed when they are symlinks
   * @param exclude configured paths not visited (our own manifest directory)
   */
  public static void walk(Path root, Set<Path> follow, Set<Path> exclude, Visitor visitor) throws IOException {
    walkAs(root, Files.isSymbolicLink(root) ? root.toRealPath() : root, follow, exclude, visitor);
  }

  private static void walkAs(Path name, Path actual, Set<Path> follow, Set<Path> exclude, Visitor visitor)
      throws IOException {
    Files.walkFileTree(actual, new SimpleFileVisitor<>() {
      private Path named(Path p) {
        // UnixPath relativize/resolve work on the name's bytes: nothing is decoded here.
        return name.resolve(actual.relativize(p));
      }

      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path n = named(dir);
        if (exclude.contains(n)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        visitor.directory(n, dir, attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path n = named(file);
        if (exclude.contains(n)) {
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isSymbolicLink() && follow.contains(n)) {
          walkAs(n, file.toRealPath(), follow, exclude, visitor);
        } else {
          visitor.entry(n, file, attrs);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        visitor.directoryDone(named(dir), dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Where a configured path really is, or null when it does not exist (a dangling link included). */
  public static Path real(Path configured) {
    try {
      return configured.toRealPath();
    } catch (IOException missing) {
      return null;
    }
  }

  /** The real path of a path that may not exist yet: its nearest existing ancestor's, plus the rest. */
  public static Path realOrPlanned(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    return existing.toRealPath().resolve(existing.relativize(abs));
  }
}
