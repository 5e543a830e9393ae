package io.stepcarecovery.archive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fast copy taken while the CA is stopped: the roots, as they are, into a directory whose
 * layout mirrors the filesystem ({@code /etc/step-ca/db/x} → {@code SNAP/etc/step-ca/db/x}).
 * Only the copy sits between stop and start; compression happens after the CA is back. The walk
 * is {@link CaTree}'s, the one preflight's {@link TreeCheck} made while the CA still ran: a root
 * or named path behind a symlink is copied by content under its configured name.
 *
 * <p><b>Why every file is copied, badger's {@code .sst} tables included, and none is
 * hard-linked.</b> Badger v2 (2.2007, what step-ca 0.19 links) never writes into a table after
 * creating it: tables are created with {@code O_CREAT|O_EXCL} ({@code y.CreateSyncedFile},
 * called from {@code db.go} {@code handleFlushTask} and {@code levels.go} {@code
 * compactBuildTables}), written once and then only read. That would make a hard link a free
 * snapshot, except for how badger deletes a table it compacted away: {@code table/table.go}
 * {@code (*Table).DecrRef} runs {@code t.fd.Truncate(0)} ("very important to let the FS know
 * that the file is deleted") <em>before</em> {@code os.Remove}. A truncate acts on the inode,
 * which a hard link shares, so the first compaction after the restart would empty the
 * snapshot's table; and step-ca's badger compacts on every clean close ({@code
 * CompactL0OnClose}, default true) and whenever L0 fills up while it runs. Value-log files are
 * treated the same way ({@code value.go} {@code deleteLogFile}: {@code Truncate(0)}), besides
 * being appended to; {@code MANIFEST} and {@code KEYREGISTRY} are appended to and rewritten.
 * {@code SnapshotIntegrityTest} shows both on the real lab CA: the copy stays intact while the
 * restarted CA writes and compacts, and hard links to the replaced tables end up empty. (On a
 * filesystem with reflinks, {@code FICLONE} would give a safe copy-on-write snapshot; ext4 has
 * none.)
 *
 * <p><b>The one exception: sealed value-log files are hard-linked.</b> A value log grows to 1 GB
 * ({@code ValueLogFileSize}) and is then sealed: {@code value.go} {@code (*valueLog).write}
 * appends only to {@code filesMap[maxFid]}; on rotation {@code doneWriting} truncates that file
 * to its end once and a new {@code maxFid + 1} file takes the writes. A file with a lower fid is
 * never written again: on open, files before the value head are only mapped ({@code
 * (*valueLog).open}: "we don't need to replay it"), and a replayed sealed file ends exactly at
 * its size, which {@code replayLog} leaves alone ({@code endOffset == fi.Size()}; step-ca does
 * not set {@code Truncate}, so a torn file is an error, never truncated). Only value-log GC
 * ({@code RunValueLogGC}, which step-ca never calls) deletes sealed files, and {@code
 * deleteLogFile} merely unlinks them, which a hard link survives. So every {@code NNNNNN.vlog}
 * but the newest of its directory is linked, when the snapshot is on the same filesystem
 * (otherwise copied); {@code .sst}, MANIFEST and KEYREGISTRY are copied.
 *
 * <p><b>The newest value log is copied after the CA is back</b> ({@link #copyWhileStopped}, the
 * backup's way): it is appended to, never rewritten below the size it had at the stop, so a hard
 * link and its size taken while stopped are enough; {@link #finish} copies those bytes once the
 * CA runs again and checks that they are still the stopped CA's ({@link ActiveValueLogs} has the
 * reasoning with badger's source). The CA stays stopped only for the rest, a few MB, instead of
 * the whole log (≈ 550 MB at 500 MB of CA data). {@link #copy} does both at once.
 */
public final class Snapshotter {
  private Snapshotter() {}

  /**
   * @param linkedBytes of {@code bytes}, what was hard-linked (sealed value logs) rather than copied
   * @param deferredBytes of {@code bytes}, what {@link #finish} copies later (the newest value logs)
   */
  public record Result(long files, long bytes, long linkedBytes, long deferredBytes) {}

  private static final Pattern VLOG = Pattern.compile("(\\d{6,})\\.vlog");

  /** As {@link #copy(List, Set, Path, List, LongConsumer)}, following only the roots themselves. */
  public static Result copy(List<Path> roots, Path snapshotDir, List<Path> exclude, LongConsumer progress)
      throws IOException {
    return copy(roots, Set.of(), snapshotDir, exclude, progress);
  }

  /**
   * Copies by configured name ({@link CaTree}): a root or named path that is a symlink is copied
   * as the content it leads to, mirrored under the configured name; other symlinks as symlinks.
   *
   * @param follow configured paths inside the roots that are followed when they are symlinks
   * @param exclude paths under the roots not to copy (our own manifest directory)
   * @param progress called with bytes copied so far, for heartbeats
   */
  public static Result copy(List<Path> roots, Set<Path> follow, Path snapshotDir, List<Path> exclude,
      LongConsumer progress) throws IOException {
    Result r = copyWhileStopped(roots, follow, snapshotDir, exclude, progress);
    finish(snapshotDir);
    return new Result(r.files(), r.bytes(), r.linkedBytes(), 0);
  }

  /**
   * As {@link #copy(List, Set, Path, List, LongConsumer)}, except that the newest value log of a
   * badger directory is only hard-linked and recorded ({@link ActiveValueLogs}): the snapshot is
   * complete once {@link #finish} ran, which can be after the CA started again.
   */
  public static Result copyWhileStopped(List<Path> roots, Set<Path> follow, Path snapshotDir, List<Path> exclude,
      LongConsumer progress) throws IOException {
    long[] totals = new long[4];
    ActiveValueLogs active = new ActiveValueLogs(snapshotDir);
    for (Path root : roots) {
      if (!Files.exists(root)) {
        throw new IOException(root + " does not exist (named by ca.json): nothing to back up there");
      }
      CaTree.walk(root, follow, Set.copyOf(exclude), new CaTree.Visitor() {
        @Override
        public void directory(Path name, Path actual, BasicFileAttributes attrs) throws IOException {
          Files.createDirectories(mirror(snapshotDir, name));
        }

        @Override
        public void entry(Path name, Path file, BasicFileAttributes attrs) throws IOException {
          Path target = mirror(snapshotDir, name);
          Files.createDirectories(target.getParent());
          if (attrs.isSymbolicLink()) {
            Files.copy(file, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
          } else if (attrs.isRegularFile()) {
            Boolean sealed = valueLog(file);
            if (sealed == Boolean.TRUE && link(file, target)) {
              totals[2] += attrs.size();
            } else if (sealed == Boolean.FALSE && active.link(file, target)) {
              totals[3] += attrs.size();
            } else {
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
              keepOwner(file, target);
            }
            totals[1] += attrs.size();
            progress.accept(totals[1]);
          } else {
            return; // sockets, fifos: nothing a CA keeps as data
          }
          totals[0]++;
        }

        @Override
        public void directoryDone(Path name, Path dir) throws IOException {
          Path target = mirror(snapshotDir, name);
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
          Files.setLastModifiedTime(target, Files.getLastModifiedTime(dir));
          keepOwner(dir, target);
        }
      });
    }
    active.record();
    return new Result(totals[0], totals[1], totals[2], totals[3]);
  }

  /**
   * Completes a snapshot taken by {@link #copyWhileStopped}: copies the linked newest value logs'
   * bytes as they were at the stop. Nothing to do when none was linked; safe to run again.
   *
   * @return the bytes copied
   * @throws IOException also when a linked log no longer starts with the stopped CA's bytes
   */
  public static long finish(Path snapshotDir) throws IOException {
    return ActiveValueLogs.finish(snapshotDir);
  }

  /**
   * A badger value-log file that can never change again: {@code NNNNNN.vlog} with a lower fid
   * than another value log in the same directory, beside the MANIFEST of a badger directory.
   */
  static boolean sealedValueLog(Path file) throws IOException {
    return valueLog(file) == Boolean.TRUE;
  }

  /**
   * Whether a file is a badger value log ({@code NNNNNN.vlog} beside the MANIFEST of a badger
   * directory), and if so whether sealed (true: a higher fid exists) or the newest (false); null
   * for any other file.
   */
  static Boolean valueLog(Path file) throws IOException {
    Matcher m = VLOG.matcher(file.getFileName().toString());
    Path dir = file.getParent();
    if (!m.matches() || dir == null || !Files.isRegularFile(dir.resolve("MANIFEST"), LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    long fid = Long.parseLong(m.group(1));
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.vlog")) {
      for (Path other : logs) {
        Matcher o = VLOG.matcher(other.getFileName().toString());
        if (o.matches() && Long.parseLong(o.group(1)) > fid) {
          return true;
        }
      }
    }
    return false;
  }

  /** A hard link at target to file; false (nothing left behind) when they are on different filesystems. */
  static boolean link(Path file, Path target) throws IOException {
    Files.deleteIfExists(target);
    try {
      Files.createLink(target, file);
      return true;
    } catch (FileSystemException crossDeviceOrUnsupported) {
      Files.deleteIfExists(target);
      return false;
    } catch (UnsupportedOperationException unsupported) {
      return false;
    }
  }

  /** Where an absolute path lives inside a mirror directory. */
  public static Path mirror(Path base, Path absolute) {
    return base.resolve(absolute.toString().substring(1));
  }

  static void keepOwner(Path source, Path target) {
    try {
      Files.setAttribute(target, "unix:uid", Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(target, "unix:gid", Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | SecurityException notRoot) {
      // Without root the copy is ours; the manifest still records the original owner.
    }
  }
}
