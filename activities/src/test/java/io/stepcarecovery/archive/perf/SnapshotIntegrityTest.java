package io.stepcarecovery.archive.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.Snapshotter;
import io.stepcarecovery.lab.LabCa;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot taken while the CA is stopped stays byte-for-byte what it was while the restarted
 * real step-ca writes (issues certificates) and compacts its badger LSM tree. Badger v2 compacts
 * L0 into L1 on every clean close (CompactL0OnClose) and deletes the tables it replaced; this
 * test makes it do that after the snapshot and checks every snapshot file's SHA-256.
 *
 * <p>It also shows why the snapshot copies the {@code .sst} files instead of hard-linking them,
 * although badger never writes into an {@code .sst} after creating it: when it deletes a table
 * it first truncates it to zero ({@code table.(*Table).DecrRef}: {@code t.fd.Truncate(0)} "to let
 * the FS know that the file is deleted"), and a truncate changes the inode every hard link
 * shares. A hard link taken at snapshot time is emptied by the next compaction.
 */
@Tag("lab")
class SnapshotIntegrityTest {
  @TempDir Path tmp;

  @Test
  void snapshotStaysIntactWhileTheRestartedCaWritesAndCompacts() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path db = lab.stepPath().resolve("db");
      issue(lab, 4);
      lab.ctl("stop"); // badger closes: memtable flushed to L0, L0 compacted into L1
      Set<String> sstAtSnapshot = tables(db);
      assertFalse(sstAtSnapshot.isEmpty(), "badger left no .sst after a clean close: " + list(db));

      Path snap = tmp.resolve("snapshot");
      // as a backup takes it: the newest value log only linked while stopped, copied after the restart
      Snapshotter.Result r = Snapshotter.copyWhileStopped(List.of(lab.stepPath()), Set.of(), snap, List.of(),
          b -> {});
      assertTrue(r.files() > 0);
      assertTrue(r.deferredBytes() > 0, "the CA's newest value log was not linked: " + list(db));
      Map<String, String> before = hashes(snap); // the stopped CA's files (the link is its value log)
      // What hard links would have been: the same inodes as the live tables.
      Path links = Files.createDirectories(tmp.resolve("links"));
      for (String t : sstAtSnapshot) {
        Files.createLink(links.resolve(t), db.resolve(t));
      }
      Map<String, String> linksBefore = hashes(links);

      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "CA did not come back");
      issue(lab, 4);
      lab.ctl("stop"); // flush + compaction: the tables of the snapshot's time are replaced
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)), "CA did not come back");
      issue(lab, 2);

      Set<String> gone = sstAtSnapshot.stream().filter(t -> !Files.exists(db.resolve(t)))
          .collect(Collectors.toSet());
      assertFalse(gone.isEmpty(), "the CA did not compact away any table of the snapshot's time; live: "
          + list(db) + ", at snapshot: " + sstAtSnapshot);

      assertTrue(Snapshotter.finish(snap) > 0, "nothing was left to copy after the restart");
      assertEquals(before, hashes(snap), "a snapshot file changed after the CA restarted");

      Map<String, String> linksAfter = hashes(links);
      long emptied = gone.stream().filter(t -> !linksBefore.get(t).equals(linksAfter.get(t))).count();
      assertEquals(gone.size(), emptied, "every compacted-away table is truncated through its hard link"
          + " (this is why the snapshot does not hard-link .sst files)");
      for (String t : gone) {
        assertEquals(0, Files.size(links.resolve(t)), t + " through its hard link");
      }
    }
  }

  private static void issue(LabCa lab, int n) throws IOException {
    Path out = Files.createDirectories(lab.dir().resolve("issued"));
    for (int i = 0; i < n; i++) {
      String name = "snap-" + System.nanoTime() + ".test.internal";
      LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
          "--ca-url", lab.caUrl(), "--root", lab.env("ROOT_CERT"), "--provisioner", "admin",
          "--password-file", lab.env("PROVISIONER_PASSWORD_FILE"), "--san", name, name,
          out.resolve(name + ".crt").toString(), out.resolve(name + ".key").toString()), 60);
    }
  }

  private static Set<String> tables(Path db) throws IOException {
    try (Stream<Path> s = Files.list(db)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst"))
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  private static List<String> list(Path db) throws IOException {
    try (Stream<Path> s = Files.list(db)) {
      return s.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
    }
  }

  private static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    for (Path p : files) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(p)) {
        byte[] b = new byte[1 << 16];
        for (int n; (n = in.read(b)) > 0; ) {
          sha.update(b, 0, n);
        }
      }
      out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(sha.digest()));
    }
    return out;
  }
}
