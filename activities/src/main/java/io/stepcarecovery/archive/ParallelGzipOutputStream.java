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
 * <p>Memory is bounded and allocation-free in steady state: at most {@code threads + 3} chunk
 * buffers (each with room for its compressed member) ever exist, reused in turn, whatever the
 * size of the input. With 4 MiB chunks the lost dictionary at
 * each chunk boundary costs well under 0.1% of size.
 *
 * <p>Made {@code indexed}, it ends the file with a {@link MemberIndex}: one more, empty member
 * whose header lists where the others lie, which plain gzip and tar skip and restore uses to
 * inflate the members across cores as well.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  public static final int DEFAULT_CHUNK = 4 << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final OutputStream out;
  private final int level;
  private final int chunkSize;
  private final int maxInFlight;
  private final boolean indexed;
  /** Each member's compressed and inflated length, in order, for the index. */
  private long[] memberIn = new long[64];
  private long[] memberOut = new long[64];
  private final ExecutorService pool;
  private final ArrayDeque<Future<Slot>> inFlight = new ArrayDeque<>();
  /** Buffers to reuse: at most {@code maxInFlight + 1} slots ever exist. */
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  private Slot slot;
  private int pos;
  private long members;
  private boolean closed;

  /**
   * @param out receives the members in order; closed by {@link #close()}
   * @param level deflate level (6 is gzip's default)
   * @param threads deflating threads (at least 1)
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int chunkSize, int threads) {
    this(out, level, chunkSize, threads, false);
  }

  /** @param indexed whether to end with a {@link MemberIndex} of the members */
  public ParallelGzipOutputStream(OutputStream out, int level, int chunkSize, int threads,
      boolean indexed) {
    if (chunkSize < 1024 || threads < 1) {
      throw new IllegalArgumentException("chunkSize " + chunkSize + ", threads " + threads);
    }
    this.out = out;
    this.level = level;
    this.chunkSize = chunkSize;
    this.maxInFlight = threads + 2;
    this.indexed = indexed;
    int id = POOLS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "gzip-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.slot = new Slot();
  }

  /** A chunk of input and the member deflated from it; reused once the member is written. */
  private static final class Slot {
    byte[] in = new byte[1 << 16]; // grows to chunkSize: a small archive allocates little
    byte[] out = new byte[0];
    int len;
    int outLen;
  }

  /**
   * One deflating thread per available core, as long as the buffers of {@code threads + 3}
   * chunks (input + member, 2 × {@link #DEFAULT_CHUNK} each) stay within a quarter of the
   * maximum heap; {@code -Dstepcarecovery.archive.threads=N} overrides.
   */
  public static int defaultThreads() {
    String p = System.getProperty("stepcarecovery.archive.threads");
    int n = p == null ? 0 : Integer.parseInt(p);
    if (n > 0) {
      return n;
    }
    long budget = Runtime.getRuntime().maxMemory() / 4 / (2L * DEFAULT_CHUNK) - 3;
    return (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), budget));
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
      if (pos + n > slot.in.length) {
        slot.in = Arrays.copyOf(slot.in, Math.min(chunkSize, Math.max(pos + n, 2 * slot.in.length)));
      }
      System.arraycopy(b, off, slot.in, pos, n);
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
    Slot s = slot;
    s.len = pos;
    inFlight.add(pool.submit(() -> {
      deflate(s, level);
      return s;
    }));
    slot = free.isEmpty() ? new Slot() : free.poll();
    pos = 0;
  }

  private void writeOldest() throws IOException {
    Future<Slot> f = inFlight.poll();
    try {
      Slot s = f.get();
      out.write(s.out, 0, s.outLen);
      if (members == memberIn.length) {
        memberIn = Arrays.copyOf(memberIn, memberIn.length * 2);
        memberOut = Arrays.copyOf(memberOut, memberOut.length * 2);
      }
      memberIn[(int) members] = s.outLen;
      memberOut[(int) members] = s.len;
      members++;
      free.add(s);
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
      if (indexed) {
        byte[] index = MemberIndex.member(memberIn, memberOut, (int) members);
        if (index != null) { // else too large to index: restored sequentially
          out.write(index);
        }
      }
      slot = null;
      free.clear();
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

  /** zlib's deflateBound for raw deflate, plus the gzip header and trailer. */
  static int maxMemberSize(int len) {
    return 10 + len + (len >> 12) + (len >> 14) + (len >> 25) + 13 + 5 + 8;
  }

  /** Deflates {@code s.in[0..s.len)} into {@code s.out} as one gzip member. */
  private static void deflate(Slot s, int level) {
    Deflater d = new Deflater(level, true);
    try {
      d.setInput(s.in, 0, s.len);
      d.finish();
      if (s.out.length < maxMemberSize(s.len)) {
        s.out = new byte[maxMemberSize(s.len)];
      }
      byte[] buf = s.out;
      // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=3 (unix), as gzip -n writes
      Arrays.fill(buf, 0, 10, (byte) 0);
      buf[0] = 0x1f;
      buf[1] = (byte) 0x8b;
      buf[2] = 8;
      buf[9] = 3;
      int n = 10;
      while (!d.finished()) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, buf.length + (buf.length >> 1)); // beyond deflateBound: never
        }
        n += d.deflate(buf, n, buf.length - n);
      }
      CRC32 crc = new CRC32();
      crc.update(s.in, 0, s.len);
      if (n + 8 > buf.length) {
        buf = Arrays.copyOf(buf, n + 8);
      }
      putLe(buf, n, (int) crc.getValue());
      putLe(buf, n + 4, s.len); // ISIZE: length mod 2^32
      s.out = buf;
      s.outLen = n + 8;
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
