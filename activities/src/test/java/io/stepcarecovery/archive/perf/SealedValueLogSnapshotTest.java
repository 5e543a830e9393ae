package io.stepcarecovery.archive.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.Snapshotter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed badger value logs (every {@code NNNNNN.vlog} but the newest) are hard-linked into the
 * snapshot on the same filesystem, everything else copied; then badger's own operations on a
 * running CA (appending to the newest log, truncating and deleting a compacted table, and value-log
 * GC unlinking a sealed log) leave the snapshot as it was. Across filesystems, all is copied.
 */
class SealedValueLogSnapshotTest {
  @TempDir Path tmp;

  @Test
  void sealedValueLogsAreLinked_theRestCopied_andBadgersWritesLeaveTheSnapshotIntact() throws Exception {
    Path step = tmp.resolve("ca/step");
    Path db = fakeBadger(step.resolve("db"));
    Path snap = tmp.resolve("snap");
    Snapshotter.Result r = Snapshotter.copy(List.of(step), snap, List.of(), b -> {});
    Path sdb = Snapshotter.mirror(snap, db);

    assertTrue(Files.isSameFile(db.resolve("000000.vlog"), sdb.resolve("000000.vlog")), "sealed log linked");
    assertTrue(Files.isSameFile(db.resolve("000001.vlog"), sdb.resolve("000001.vlog")), "sealed log linked");
    for (String copied : List.of("000002.vlog", "000003.sst", "MANIFEST", "KEYREGISTRY")) {
      assertFalse(Files.isSameFile(db.resolve(copied), sdb.resolve(copied)), copied + " must be a copy");
    }
    assertEquals(Files.size(db.resolve("000000.vlog")) + Files.size(db.resolve("000001.vlog")), r.linkedBytes());
    Map<String, byte[]> before = contents(sdb);

    // What the restarted CA's badger does: append to the newest value log, rewrite MANIFEST,
    // delete a compacted table the way DecrRef does (truncate to 0, then unlink), and (value-log
    // GC, which step-ca never runs) unlink a sealed log.
    try (FileChannel ch = FileChannel.open(db.resolve("000002.vlog"), StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {9, 9, 9}));
    }
    Files.write(db.resolve("MANIFEST"), new byte[] {7, 7});
    try (FileChannel ch = FileChannel.open(db.resolve("000003.sst"), StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    Files.delete(db.resolve("000003.sst"));
    Files.delete(db.resolve("000000.vlog"));

    Map<String, byte[]> after = contents(sdb);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed in the snapshot"));
  }

  @Test
  void whileStopped_theNewestLogIsLinked_andFinishCopiesItAsItWasAtTheStop() throws Exception {
    Path step = tmp.resolve("ca/step");
    Path db = fakeBadger(step.resolve("db"));
    Files.setLastModifiedTime(db.resolve("000002.vlog"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L));
    byte[] atStop = Files.readAllBytes(db.resolve("000002.vlog"));
    Path snap = tmp.resolve("snap");
    Snapshotter.Result r = Snapshotter.copyWhileStopped(List.of(step), java.util.Set.of(), snap, List.of(), b -> {});
    Path sdb = Snapshotter.mirror(snap, db);
    assertTrue(Files.isSameFile(db.resolve("000002.vlog"), sdb.resolve("000002.vlog")), "newest log linked while stopped");
    assertEquals(atStop.length, r.deferredBytes());
    assertFalse(Files.isSameFile(db.resolve("000003.sst"), sdb.resolve("000003.sst")), "tables copied while stopped");

    // the CA runs again: badger appends to the newest log (and its mtime moves)
    try (FileChannel ch = FileChannel.open(db.resolve("000002.vlog"), StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[70_000]));
    }
    assertEquals(atStop.length, Snapshotter.finish(snap));

    assertFalse(Files.isSameFile(db.resolve("000002.vlog"), sdb.resolve("000002.vlog")), "a file of its own");
    assertArrayEquals(atStop, Files.readAllBytes(sdb.resolve("000002.vlog")), "the bytes of the stopped CA");
    assertEquals(1_000_000_000L, Files.getLastModifiedTime(sdb.resolve("000002.vlog")).toMillis(), "its mtime at the stop");
    assertEquals(atStop.length + 70_000, Files.size(db.resolve("000002.vlog")), "the live log untouched");
    assertFalse(Files.exists(snap.resolveSibling("snap.pending")));
    assertEquals(0, Snapshotter.finish(snap), "nothing left to do the second time");
  }

  @Test
  void finishRefusesALogRewrittenBelowItsSizeAtTheStop() throws Exception {
    Path step = tmp.resolve("ca/step");
    Path db = fakeBadger(step.resolve("db"));
    Path snap = tmp.resolve("snap");
    Snapshotter.copyWhileStopped(List.of(step), java.util.Set.of(), snap, List.of(), b -> {});
    long size = Files.size(db.resolve("000002.vlog"));
    // a torn tail cut off and written again (badger's Truncate option after a crash)
    try (FileChannel ch = FileChannel.open(db.resolve("000002.vlog"), StandardOpenOption.WRITE)) {
      ch.truncate(size - 10);
      ch.write(java.nio.ByteBuffer.wrap(new byte[20]), size - 10);
    }
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Snapshotter.finish(snap));
    assertTrue(e.getMessage().contains("changed after the snapshot"), e.getMessage());
  }

  @Test
  void onlyInABadgerDirectory_andOnlyLowerFids() throws Exception {
    Path plain = tmp.resolve("plain/step/db");
    Files.createDirectories(plain);
    Files.write(plain.resolve("000000.vlog"), new byte[100]);
    Files.write(plain.resolve("000001.vlog"), new byte[100]); // no MANIFEST: not badger's
    Snapshotter.Result r = Snapshotter.copy(List.of(plain.getParent()), tmp.resolve("s1"), List.of(), b -> {});
    assertEquals(0, r.linkedBytes());

    Path single = fakeBadger(tmp.resolve("one/step/db"));
    Files.delete(single.resolve("000000.vlog"));
    Files.delete(single.resolve("000001.vlog")); // only the newest, 000002, is left
    r = Snapshotter.copy(List.of(single.getParent()), tmp.resolve("s2"), List.of(), b -> {});
    assertEquals(0, r.linkedBytes(), "the newest value log is always copied");
  }

  @Test
  void acrossFilesystems_everythingIsCopied() throws Exception {
    Path shm = Path.of("/dev/shm");
    Path step = tmp.resolve("x/step");
    Path db = fakeBadger(step.resolve("db"));
    if (!Files.isDirectory(shm) || Files.getFileStore(shm).equals(Files.getFileStore(tmp))) {
      // no second filesystem here: the fallback is still exercised by Files.createLink failing
      return;
    }
    Path snap = Files.createTempDirectory(shm, "snap");
    try {
      Snapshotter.Result r = Snapshotter.copy(List.of(step), snap, List.of(), b -> {});
      assertEquals(0, r.linkedBytes());
      Path sdb = Snapshotter.mirror(snap, db);
      assertArrayEquals(Files.readAllBytes(db.resolve("000000.vlog")), Files.readAllBytes(sdb.resolve("000000.vlog")));
    } finally {
      try (var w = Files.walk(snap)) {
        for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Path fakeBadger(Path db) throws IOException {
    Files.createDirectories(db);
    Random r = new Random(3);
    for (String f : List.of("000000.vlog", "000001.vlog", "000002.vlog", "000003.sst", "MANIFEST", "KEYREGISTRY")) {
      byte[] b = new byte[1000 + r.nextInt(5000)];
      r.nextBytes(b);
      Files.write(db.resolve(f), b);
    }
    Files.write(db.resolve("LOCK"), "123\n".getBytes());
    return db;
  }

  private static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        m.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }
}
