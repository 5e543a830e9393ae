package io.stepcarecovery.restore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dead run (kill -9, a lost host) left beside a CA's paths. Its staging directories
 * ({@code <root>.restoring-<tag>}) are copies of an archive, often with the CA's keys in them:
 * removed by the next run that holds the CA's lock, which is the only run that could be using
 * them. Moved-aside live data ({@code .pre-restore-}, {@code .failed-restore-}) is never removed:
 * it is named, so a person can decide.
 */
final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /** Removes every staging directory beside the roots except {@code keepTag}'s; returns them. */
  static List<Path> removeStaleStaging(List<Path> roots, String keepTag) throws IOException {
    List<Path> removed = new ArrayList<>();
    for (Path stale : siblings(roots, ".restoring-")) {
      if (!stale.getFileName().toString().endsWith(".restoring-" + keepTag)) {
        deleteTree(stale);
        removed.add(stale);
      }
    }
    if (!removed.isEmpty()) {
      log.warn("removed the staging of a run that did not finish (copies of a backup, not live data): {}", removed);
    }
    List<Path> aside = siblings(roots, ".pre-restore-");
    aside.addAll(siblings(roots, ".failed-restore-"));
    if (!aside.isEmpty()) {
      log.info("kept from earlier restores (never deleted by this tool; remove them when no longer needed): {}", aside);
    }
    return removed;
  }

  private static List<Path> siblings(List<Path> roots, String marker) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path root : roots) {
      Path parent = root.getParent();
      if (parent == null || !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String prefix = root.getFileName() + marker;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
        ds.forEach(out::add);
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Deletes a tree without following links, making read-only directories writable first. */
  static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p)) {
          p.toFile().setWritable(true, true);
        }
        Files.delete(p);
      }
    }
  }
}
