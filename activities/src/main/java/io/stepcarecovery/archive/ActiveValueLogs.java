package io.stepcarecovery.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The newest badger value log of a snapshot, taken in two steps so that the CA is not stopped
 * while it is copied: while stopped, a hard link and what the file was (its size, modification
 * time, and a copy of its last MiB made by the kernel), written beside the snapshot ({@code
 * snapshot.pending}, {@code snapshot.pending.N}); after the CA is back, {@link #finish} copies the
 * first {@code size} bytes through that link into a file of the snapshot's own and compares its
 * last MiB with the one kept at the stop (no hashing while stopped: a cold JVM hashes slowly).
 * The snapshot then holds exactly the stopped CA's file. At 500 MB of CA data this file is nearly all of it (one value log grows to
 * 1 GB before it is sealed).
 *
 * <p>Why the first {@code size} bytes are still the stopped CA's when {@link #finish} reads them
 * (badger v2.2007, what step-ca 0.19 links): on open, {@code (*valueLog).open} seeks the newest
 * log to its end and writes from there ({@code writableLogOffset = lastOffset}); every write
 * appends at {@code writableLogOffset}; {@code Close} and a rotation ({@code doneWriting})
 * truncate the file to that offset, which is never below its size at open; a log is deleted
 * only by value-log GC, which step-ca never runs, and {@code deleteLogFile} unlinks (the link
 * keeps the inode). The one rewrite is {@code replayLog} cutting a torn tail off when the
 * {@code Truncate} option is set, after a crash: a clean stop leaves no torn tail, and if the
 * file is ever shorter than recorded or its last MiB differs from the copy kept at the stop, {@link #finish} refuses the backup
 * instead of storing something else. (An {@code .sst} is different: badger truncates a table to
 * zero before deleting it, which is why tables are still copied while the CA is stopped.)
 */
final class ActiveValueLogs {
  /** Beside the snapshot directory, never inside it: the archive takes the snapshot's whole tree. */
  static Path pendingFile(Path snapshotDir) {
    return snapshotDir.resolveSibling(snapshotDir.getFileName() + ".pending");
  }

  private static final long TAIL = 1 << 20;

  private final Path snapshotDir;
  private final List<String> lines = new ArrayList<>();

  ActiveValueLogs(Path snapshotDir) {
    this.snapshotDir = snapshotDir;
  }

  /** Links {@code file} at {@code target} and records it; false (nothing left) when it cannot be linked. */
  boolean link(Path file, Path target) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    if (!Snapshotter.link(file, target)) {
      return false;
    }
    long size = Files.size(target);
    long from = Math.max(0, size - TAIL);
    copyRange(target, from, size - from, tailFile(snapshotDir, lines.size()));
    lines.add(size + "\t" + mtime.to(TimeUnit.NANOSECONDS) + "\t" + from + "\t"
        + snapshotDir.relativize(target)); // the path last: it may hold any character but a newline
    return true;
  }

  /** Writes what {@link #finish} needs; nothing when nothing was linked. */
  void record() throws IOException {
    Path pending = pendingFile(snapshotDir);
    if (lines.isEmpty()) {
      Files.deleteIfExists(pending);
      return;
    }
    Path tmp = pending.resolveSibling(pending.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, pending, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Replaces each recorded link by a copy of its first recorded bytes, with the recorded
   * modification time; nothing to do without a {@code snapshot.pending}. Safe to run again after
   * a crash half-way (a finished file is copied onto itself).
   *
   * @return the bytes copied
   * @throws IOException also when a file is no longer what the stopped CA left (shorter, or its
   *     last MiB changed): the snapshot could not be completed
   */
  static long finish(Path snapshotDir) throws IOException {
    Path pending = pendingFile(snapshotDir);
    if (!Files.exists(pending)) {
      return 0;
    }
    long copied = 0;
    Path tmp = snapshotDir.resolveSibling(snapshotDir.getFileName() + ".finishing");
    List<String> entries = Files.readAllLines(pending, StandardCharsets.UTF_8);
    for (int i = 0; i < entries.size(); i++) {
      String[] f = entries.get(i).split("\t", 4);
      Path target = snapshotDir.resolve(f[3]).normalize();
      if (!target.startsWith(snapshotDir)) {
        throw new IOException(pending + " names a path outside the snapshot: " + f[3]);
      }
      long size = Long.parseLong(f[0]);
      long from = Long.parseLong(f[2]);
      if (Files.size(target) < size) {
        throw changed(target);
      }
      Files.deleteIfExists(tmp);
      copyRange(target, 0, size, tmp);
      if (!Arrays.equals(read(tmp, from, size - from), Files.readAllBytes(tailFile(snapshotDir, i)))) {
        Files.delete(tmp);
        throw changed(target);
      }
      // the file's metadata, as the stopped CA left it (an append since moved its mtime)
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
      Snapshotter.keepOwner(target, tmp);
      Files.setLastModifiedTime(tmp, FileTime.from(Long.parseLong(f[1]), TimeUnit.NANOSECONDS));
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      copied += size;
    }
    for (int i = 0; i < entries.size(); i++) {
      Files.deleteIfExists(tailFile(snapshotDir, i));
    }
    Files.delete(pending);
    return copied;
  }

  private static IOException changed(Path target) {
    return new IOException(target + " changed after the snapshot (badger rewrote the value log the"
        + " snapshot links): the snapshot cannot be completed; run the backup again");
  }

  /** Where the last MiB of the n-th linked log is kept, beside the snapshot. */
  private static Path tailFile(Path snapshotDir, int n) {
    Path pending = pendingFile(snapshotDir);
    return pending.resolveSibling(pending.getFileName() + "." + n);
  }

  /** Bytes [from, from + count) of a file into a new file, by the kernel (sendfile). */
  private static void copyRange(Path source, long from, long count, Path target) throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long done = 0; done < count; ) {
        long n = in.transferTo(from + done, count - done, out);
        if (n <= 0) {
          throw new IOException(source + " ended at " + (from + done) + " of " + (from + count) + " bytes");
        }
        done += n;
      }
    }
  }

  /** Bytes [from, from + count) of a file; null when it ends before. */
  private static byte[] read(Path file, long from, long count) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) count);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buf.hasRemaining() && in.read(buf, from + buf.position()) >= 0) {
        // until full, or the end of the file
      }
    }
    return buf.hasRemaining() ? null : buf.array();
  }
}
