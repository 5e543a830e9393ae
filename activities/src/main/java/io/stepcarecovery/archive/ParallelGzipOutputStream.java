package io.stepcarecovery.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip across cores, as pigz does it in its simplest form: the stream is cut into chunks of a
 * few MiB, each chunk is deflated on its own thread into a complete gzip member (header, raw
 * deflate, CRC-32, length), and the members are written in order. A sequence of members is a
 * valid gzip file (RFC 1952 §2.2): GNU {@code gzip -d}/{@code tar -xzf} and Commons Compress'
 * {@code GzipCompressorInputStream(in, true)} read it as one stream.
 *
 * <p>Memory is bounded: at most {@code threads + 2} chunks are in flight (each with its
 * compressed copy), whatever the size of the input. With 4 MiB chunks the lost dictionary at
 * each chunk boundary costs well under 0.1% of size.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  public static final int DEFAULT_CHUNK = 4 << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final OutputStream out;
  private final int level;
  private final int chunkSize;
  private final int maxInFlight;
  private final ExecutorService pool;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private byte[] chunk;
  private int pos;
  private long members;
  private boolean closed;

  /**
   * @param out receives the members in order; closed by {@link #close()}
   * @param level deflate level (6 is gzip's default)
   * @param threads deflating threads (at least 1)
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int chunkSize, int threads) {
    if (chunkSize < 1024 || threads < 1) {
      throw new IllegalArgumentException("chunkSize " + chunkSize + ", threads " + threads);
    }
    this.out = out;
    this.level = level;
    this.chunkSize = chunkSize;
    this.maxInFlight = threads + 2;
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "gzip-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.chunk = new byte[chunkSize];
  }

  /** One deflating thread per available core. */
  public static int defaultThreads() {
    String p = System.getProperty("stepcarecovery.archive.threads");
    int n = p == null ? 0 : Integer.parseInt(p);
    return n > 0 ? n : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** gzip members written so far. */
  public long members() {
    return members;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    while (len > 0) {
      int n = Math.min(len, chunkSize - pos);
      System.arraycopy(b, off, chunk, pos, n);
      pos += n;
      off += n;
      len -= n;
      if (pos == chunkSize) {
        submit();
      }
    }
  }

  private void submit() throws IOException {
    while (inFlight.size() >= maxInFlight) {
      writeOldest();
    }
    byte[] data = chunk;
    int len = pos;
    inFlight.add(pool.submit(() -> member(data, len, level)));
    chunk = new byte[chunkSize];
    pos = 0;
  }

  private void writeOldest() throws IOException {
    Future<byte[]> f = inFlight.poll();
    try {
      out.write(f.get());
      members++;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException("compression failed", e.getCause());
    }
  }

  /** Flushing would cut a member short; members are whole by design, so this only flushes out. */
  @Override
  public void flush() throws IOException {
    ensureOpen();
    out.flush();
  }

  /** Writes what is buffered as the last member(s), waits for all of them, closes {@code out}. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (pos > 0 || members + inFlight.size() == 0) {
        submit(); // an empty input still makes one (empty) member: a valid gzip file
      }
      while (!inFlight.isEmpty()) {
        writeOldest();
      }
      chunk = null;
    } finally {
      inFlight.forEach(f -> f.cancel(true));
      pool.shutdownNow();
      out.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  /** A complete gzip member (RFC 1952) holding {@code data[0..len)}. */
  static byte[] member(byte[] data, int len, int level) {
    Deflater d = new Deflater(level, true);
    try {
      d.setInput(data, 0, len);
      d.finish();
      byte[] buf = new byte[10 + len + len / 1000 + 64 + 8];
      // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=3 (unix), as gzip -n writes
      buf[0] = 0x1f;
      buf[1] = (byte) 0x8b;
      buf[2] = 8;
      buf[9] = 3;
      int n = 10;
      while (!d.finished()) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, buf.length + (buf.length >> 1));
        }
        n += d.deflate(buf, n, buf.length - n);
      }
      CRC32 crc = new CRC32();
      crc.update(data, 0, len);
      if (n + 8 > buf.length) {
        buf = Arrays.copyOf(buf, n + 8);
      }
      putLe(buf, n, (int) crc.getValue());
      putLe(buf, n + 4, len); // ISIZE: length mod 2^32
      return n + 8 == buf.length ? buf : Arrays.copyOf(buf, n + 8);
    } finally {
      d.end();
    }
  }

  private static void putLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
