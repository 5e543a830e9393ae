package io.stepcarecovery.losses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the badger directory of a step-ca data path as an operator names it: the database
 * directory itself, a STEPPATH (its {@code db/}), or a moved-aside copy of either
 * ({@code /var/lib/step-ca.pre-restore-T}): the one directory at most three levels down that
 * holds a value log and a MANIFEST. The path given is followed if it is a link (a configured path
 * that was a link is moved aside as the link: the data it leads to is the previous data); no link
 * below it is.
 */
final class BadgerDir {
  private static final int DEPTH = 3;

  private BadgerDir() {}

  static Path find(Path named) throws IOException {
    if (!Files.isDirectory(named)) {
      throw new IOException(named + " is not a directory");
    }
    Path given = named.toRealPath();
    if (isBadger(given)) {
      return given;
    }
    List<Path> found;
    try (Stream<Path> s = Files.walk(given, DEPTH)) {
      found = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).filter(BadgerDir::isBadger)
          .limit(5).toList();
    }
    if (found.isEmpty()) {
      throw new IOException("no badger database (a MANIFEST and *.vlog files) in " + given
          + " or up to " + DEPTH + " levels below it; is the CA's db.type badgerv2?");
    }
    if (found.size() > 1) {
      throw new IOException("more than one badger database under " + given + ": " + found
          + "; name the one to read");
    }
    return found.get(0);
  }

  private static boolean isBadger(Path dir) {
    if (!Files.isRegularFile(dir.resolve("MANIFEST"), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".vlog"));
    } catch (IOException e) {
      return false;
    }
  }
}
