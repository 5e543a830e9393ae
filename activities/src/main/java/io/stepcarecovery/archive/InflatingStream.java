package io.stepcarecovery.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The decompressed stream, inflated on its own thread: at most {@link #DEPTH} chunks of
 * {@link #CHUNK} bytes (reused) wait between the two threads, so memory stays bounded and the
 * stream is read exactly once, in order. A failure of the inflating side (corrupt or
 * truncated gzip, an I/O error) is rethrown, as it was, by the next {@link #read}; closing
 * stops the inflating thread and waits for it. Each chunk carries the compressed byte count
 * at the time it was inflated, so the ratio check sees what it saw without the thread.
 */
final class InflatingStream extends InflatedStream {
  static final int CHUNK = 1 << 18;
  static final int DEPTH = 8;
  private static final Chunk END = new Chunk(null, 0, 0, null);
  private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(DEPTH + 1);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
  private final Thread thread;
  private volatile boolean closed;
  private Chunk current;
  private int pos;
  private long compressedSoFar;
  /** gzip and the streams under it, closed with this one. */
  private InputStream file;

  private record Chunk(byte[] buf, int len, long compressed, Throwable failure) {}

  /** @param underneath drained in order once gzip ended: the payload (layer), then the digest */
  InflatingStream(InputStream gz, CountingInputStream counted, InputStream... underneath) {
    for (int i = 0; i < DEPTH; i++) {
      free.add(new byte[CHUNK]);
    }
    thread = new Thread(() -> {
      Chunk last = END;
      try {
        for (;;) {
          byte[] b = free.take();
          int n = gz.readNBytes(b, 0, CHUNK);
          if (n > 0) {
            full.put(new Chunk(b, n, counted.count(), null));
          }
          if (n < CHUNK) {
            break;
          }
        }
        // Bytes after the last gzip member, if any, still belong to the file's checksum.
        byte[] rest = new byte[1 << 16];
        for (InputStream in : underneath) {
          while (in.read(rest) >= 0) {
            // digested by reading; a decrypting layer verifies its integrity at its end
          }
        }
      } catch (InterruptedException stopped) {
        return; // closed by the reader
      } catch (Throwable t) {
        last = new Chunk(null, 0, 0, t);
      }
      if (!closed) {
        try {
          full.put(last);
        } catch (InterruptedException stopped) {
          // closed by the reader
        }
      }
    }, THREAD);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The whole archive, member after member, through {@code layer}: every byte of the file
   * passes {@code whole} exactly once, also what follows the last gzip member.
   */
  static InflatingStream open(Path archive, ArchiveReader.Layer layer, MessageDigest whole)
      throws IOException {
    InputStream raw = Files.newInputStream(archive);
    try {
      DigestInputStream digest = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), whole);
      // Counting does not support mark/reset, so gzip buffers on top of it and every byte
      // passes the digest exactly once.
      CountingInputStream compressed = new CountingInputStream(digest);
      InputStream payload = layer.open(compressed);
      GzipCompressorInputStream gz = new GzipCompressorInputStream(payload, true);
      InflatingStream s = new InflatingStream(gz, compressed, payload, digest);
      s.file = gz; // closes payload, digest and file in turn
      return s;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Compressed bytes consumed when the chunk being read was inflated. */
  @Override
  long compressed() {
    return compressedSoFar;
  }

  private boolean next() throws IOException {
    if (current == END) {
      return false;
    }
    if (current != null) {
      free.add(current.buf());
    }
    try {
      current = full.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the archive");
    }
    pos = 0;
    if (current.failure() != null) {
      Throwable t = current.failure();
      current = END;
      if (t instanceof IOException io) {
        throw io;
      }
      if (t instanceof RuntimeException re) {
        throw re;
      }
      if (t instanceof Error er) {
        throw er;
      }
      throw new IOException(t);
    }
    if (current == END) {
      return false;
    }
    compressedSoFar = current.compressed();
    return true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || current != END && pos == current.len()) {
      if (!next()) {
        return -1;
      }
    }
    if (current == END) {
      return -1;
    }
    int n = Math.min(len, current.len() - pos);
    System.arraycopy(current.buf(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (file != null) {
      file.close(); // after the join: the inflating thread no longer reads it
    }
  }
}
