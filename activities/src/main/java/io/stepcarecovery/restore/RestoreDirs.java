package io.stepcarecovery.restore;

import io.stepcarecovery.archive.UnsafeArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The directories beside each path a restore replaces: its staging ({@code .restoring-TAG}),
 * the live data moved aside ({@code .pre-restore-TAG}) and a failed restore moved aside on
 * rollback ({@code .failed-restore-TAG}); and the one move between them.
 */
final class RestoreDirs {
  private RestoreDirs() {}

  static Path staging(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".restoring-" + tag);
  }

  static Path preRestore(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".pre-restore-" + tag);
  }

  static Path failedRestore(Path root, String tag) {
    return root.resolveSibling(root.getFileName() + ".failed-restore-" + tag);
  }

  /** Where an archived absolute path goes in the staging area of its root. */
  static Path map(List<Path> roots, String path, String tag) {
    Path p = Path.of(path).normalize();
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return staging(root, tag).resolve(root.relativize(p).toString());
      }
    }
    throw new UnsafeArchiveException(path + " lies outside the verified roots " + roots + "; refused");
  }

  /** Removes this run's staging beside each root (copies of an archive, never live data). */
  static void discard(List<Path> roots, String tag) throws IOException {
    for (Path root : roots) {
      Leftovers.deleteTree(staging(root, tag));
    }
  }

  /**
   * Puts {@code incoming} in place of {@code root}, moving whatever is at {@code root} to
   * {@code outgoing}: two renames, nothing deleted. The swap of a restore and of its rollback are
   * this one move in two directions. Idempotent: with {@code incoming} gone, an earlier attempt
   * already did it ({@code outgoing} is reported if it is there); unless {@code incomingRequired},
   * nothing to move in is not an error.
   */
  static void exchange(Path root, Path incoming, Path outgoing, boolean incomingRequired, List<String> aside,
      List<String> placed) throws IOException {
    if (!Files.exists(incoming, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.exists(outgoing, LinkOption.NOFOLLOW_LINKS)) {
        aside.add(outgoing.toString());
      }
      if (incomingRequired) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(incoming + " is missing; nothing was swapped for " + root);
        }
        placed.add(root.toString()); // a retry after this root was swapped
      }
      return;
    }
    if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(root, outgoing, StandardCopyOption.ATOMIC_MOVE);
      aside.add(outgoing.toString());
    }
    Files.move(incoming, root, StandardCopyOption.ATOMIC_MOVE);
    placed.add(root.toString());
  }
}
