package io.stepcarecovery.archive;

import io.stepcarecovery.archive.MemberIndex.Segment;
import io.stepcarecovery.archive.SegmentInflater.IndexMismatchException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The decompressed stream of an archive with a {@link MemberIndex}, inflated on several cores:
 * one thread reads the file in order (every byte through the whole-file digest, exactly once,
 * as the sequential path does) and hands each segment to a pool of inflating threads; the
 * entry loop reads their output back in file order. Memory is bounded: {@code threads + 2}
 * slots (a segment's compressed bytes and its output) exist, reused in turn, and the file
 * reader waits for a free one.
 *
 * <p>Nothing is skipped on the index's word: the segments tile the file from its first byte
 * to the index member, every segment is inflated and checked by {@link SegmentInflater}, and
 * the index member read last must be byte for byte the one {@link MemberIndex#find} parsed,
 * with nothing after it. A segment the index describes wrongly is a refusal
 * ({@link UnsafeArchiveException}), raised in file order when the entry loop reaches it.
 */
final class ParallelInflatingStream extends InflatedStream {
  private static final Future<Slot> END = CompletableFuture.completedFuture(null);
  private final Path archive;
  private final ExecutorService pool;
  private final Thread reader;
  /** The pool's threads, joined on close: the pool's own termination precedes their exit. */
  private final List<Thread> inflaters = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Slot> free;
  /** Segments in file order, inflated or being inflated; unbounded, the free slots bound it. */
  private final BlockingQueue<Future<Slot>> ready = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private Slot current;
  private int pos;
  private boolean ended;
  private long compressedSoFar;

  /** A segment's compressed bytes and what they inflated to; reused once read. */
  private static final class Slot {
    final byte[] in;
    final byte[] out;
    Segment segment;

    Slot(int in, int out) {
      this.in = new byte[in];
      this.out = new byte[out];
    }
  }

  ParallelInflatingStream(Path archive, MemberIndex index, MessageDigest whole, int threads) {
    this.archive = archive;
    int depth = threads + 2;
    free = new ArrayBlockingQueue<>(depth);
    for (int i = 0; i < depth; i++) {
      free.add(new Slot(index.maxCompressed(), index.maxInflated()));
    }
    pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, THREAD);
      t.setDaemon(true);
      inflaters.add(t);
      return t;
    });
    reader = new Thread(() -> readFile(index, whole), THREAD);
    reader.setDaemon(true);
    reader.start();
  }

  /** The file reader: every byte in order through the digest, each segment to the pool. */
  private void readFile(MemberIndex index, MessageDigest whole) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(archive), whole)) {
      List<Segment> segments = index.segments();
      for (int i = 0; i < segments.size(); i++) {
        Segment s = segments.get(i);
        Slot slot = free.take();
        slot.segment = s;
        if (in.readNBytes(slot.in, 0, s.compressed()) < s.compressed()) {
          throw new EOFException("the archive ends inside a gzip member");
        }
        int number = i;
        ready.put(pool.submit(() -> inflate(slot, number)));
      }
      // The index member itself, read as every other byte: it must be what was parsed at the
      // start, and the last thing in the file (a file changed under us is refused, not trusted).
      byte[] last = in.readNBytes(index.member().length + 1);
      if (!Arrays.equals(last, index.member())) {
        throw new IOException("the archive changed while it was being read");
      }
      ready.put(END);
    } catch (InterruptedException stopped) {
      // closed by the entry loop
    } catch (Throwable t) {
      if (!closed) {
        ready.add(CompletableFuture.failedFuture(t));
      }
    }
  }

  private Slot inflate(Slot slot, int number) throws IOException {
    Segment s = slot.segment;
    try {
      SegmentInflater.inflate(slot.in, s.compressed(), slot.out, s.inflated());
    } catch (IndexMismatchException e) {
      throw new UnsafeArchiveException(archive + ": its gzip member index does not match its content:"
          + " segment " + number + " (bytes " + s.offset() + "–" + s.end() + ") " + e.getMessage()
          + "; the archive is corrupt or was altered after it was written: refused, use another backup", e);
    }
    return slot;
  }

  @Override
  long compressed() {
    return compressedSoFar;
  }

  /** The next segment with bytes to read; false at the end of the stream. */
  private boolean next() throws IOException {
    while (current == null || pos == current.segment.inflated()) {
      if (ended) {
        return false;
      }
      if (current != null) {
        free.add(current);
        current = null;
      }
      Future<Slot> f;
      try {
        f = ready.take();
        if (f == END) {
          ended = true;
          return false;
        }
        current = f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the archive");
      } catch (ExecutionException e) {
        ended = true;
        Throwable t = e.getCause();
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
      pos = 0;
      compressedSoFar = current.segment.end();
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    return next() ? current.out[pos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!next()) {
      return -1;
    }
    int n = Math.min(len, current.segment.inflated() - pos);
    System.arraycopy(current.out, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    reader.interrupt();
    pool.shutdownNow();
    try {
      reader.join();
      // a segment being inflated finishes (at most MemberIndex.MAX_OUT bytes) and is dropped
      for (Thread t : inflaters) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
