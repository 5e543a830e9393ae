package io.stepcarecovery.ingress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file that only its owner may read (Traefik's acme.json holds the ACME account's
 * private key) without following a link anyone planted beside it. The new content goes to
 * {@code NAME.tmp}, created with {@code O_CREAT|O_EXCL|O_NOFOLLOW} and mode 0600 from its first
 * moment (never 0644 for an instant, never written through a symlink), is synced, and is renamed
 * over the file in one step. A leftover {@code NAME.tmp} (a crashed earlier run, or a planted
 * symlink) is removed as a name, never opened; if one is planted again in between, the create
 * fails and the rewrite is refused.
 */
final class PrivateRewrite {
  private PrivateRewrite() {}

  static Path tmpOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  static void replace(Path file, byte[] content) throws IOException {
    Path tmp = tmpOf(file);
    if (Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(tmp + " is a directory: refusing to rewrite " + file + " beside it; remove it"
          + " (rmdir " + tmp + ") and run again");
    }
    Files.deleteIfExists(tmp); // unlinks a symlink itself: its target is not touched
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    } catch (FileAlreadyExistsException planted) {
      throw new IOException(tmp + " appeared while " + file + " was being rewritten (a link planted"
          + " there?): refused, nothing was written; look at ls -l " + tmp, planted);
    }
    try {
      // The umask cannot widen 0600, but it can narrow it; Traefik needs the owner to read it.
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
