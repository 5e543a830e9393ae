package io.stepcarecovery.encryption;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * What encryption at rest costs: the project's own OpenPGP streams (RecipientKey.encrypting,
 * DecryptionKey.decrypting) over incompressible data, as big as a backup's tar.gz.
 * Usage: EncryptionSpeed PUBLIC_KEY SECRET_KEY MIB OUT_FILE ROUNDS
 */
public final class EncryptionSpeed {
  public static void main(String[] a) throws Exception {
    RecipientKey to = RecipientKey.load(Path.of(a[0]));
    DecryptionKey key = DecryptionKey.load(Path.of(a[1]), null);
    long size = Long.parseLong(a[2]) << 20;
    Path file = Path.of(a[3]);
    int rounds = Integer.parseInt(a[4]);
    byte[] buf = new byte[1 << 16];
    new Random(1).nextBytes(buf); // random: like gzip output, nothing for anything to squeeze
    for (int round = 1; round <= rounds; round++) {
      long t0 = System.nanoTime();
      try (OutputStream out = to.encrypting(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), "x.tar.gz")) {
        for (long n = 0; n < size; n += buf.length) {
          out.write(buf);
        }
      }
      long t1 = System.nanoTime();
      long read = 0;
      try (InputStream in = key.decrypting(new BufferedInputStream(Files.newInputStream(file), 1 << 16), file.toString())) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          read += n;
        }
      }
      long t2 = System.nanoTime();
      System.out.printf("round %d: %d MiB  encrypt %.0f MB/s  decrypt+verify %.0f MB/s%n", round, size >> 20,
          size / 1e6 / ((t1 - t0) / 1e9), read / 1e6 / ((t2 - t1) / 1e9));
    }
  }
}
