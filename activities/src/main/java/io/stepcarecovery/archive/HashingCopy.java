package io.stepcarecovery.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.IntConsumer;

/**
 * One file's content from a stream to another, hashed on the way: the writer's copy of a file
 * into the tar and the reader's copy of an entry out of it are the same loop, with a different
 * account of each chunk (heartbeats; the reader's bomb limits too).
 */
final class HashingCopy {
  private HashingCopy() {}

  /**
   * @param sha updated with every byte copied
   * @param chunk told each chunk's length after it was written; it may refuse by throwing
   * @return the bytes copied
   */
  static long copy(InputStream in, OutputStream out, MessageDigest sha, IntConsumer chunk)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long copied = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
      copied += n;
      chunk.accept(n);
    }
    return copied;
  }

  static String hex(MessageDigest sha) {
    return HexFormat.of().formatHex(sha.digest());
  }
}
