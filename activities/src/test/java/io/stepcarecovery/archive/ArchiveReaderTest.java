package io.stepcarecovery.archive;

import static io.stepcarecovery.archive.ArchiveKit.CA_JSON;
import static io.stepcarecovery.archive.ArchiveKit.MANIFEST;
import static io.stepcarecovery.archive.ArchiveKit.STEP;
import static io.stepcarecovery.archive.ArchiveKit.dir;
import static io.stepcarecovery.archive.ArchiveKit.entries;
import static io.stepcarecovery.archive.ArchiveKit.file;
import static io.stepcarecovery.archive.ArchiveKit.plus;
import static io.stepcarecovery.archive.ArchiveKit.remanifest;
import static io.stepcarecovery.archive.ArchiveKit.special;
import static io.stepcarecovery.archive.ArchiveKit.symlink;
import static io.stepcarecovery.archive.ArchiveKit.without;
import static io.stepcarecovery.archive.ArchiveKit.writeArchive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.ArchiveKit.Ent;
import io.stepcarecovery.archive.ArchiveReader.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArchiveReader} against archives written by hand to be hostile: each case is refused with
 * its one message, both when only verifying and when extracting through a sink that would obey
 * any entry blindly; and the disk around that sink's directory never changes.
 */
@Timeout(60)
class ArchiveReaderTest {
  private static final String S = STEP.substring(1);
  private static final Limits SMALL = new Limits(1000, 16L << 20, 1000);

  @TempDir
  Path tmp;

  Path valid;
  List<Ent> ents;
  /** Where the naive sink writes: tmp/jail/cell/extract, so six '..' from the step path reach tmp. */
  Path extract;

  @BeforeEach
  void setUp() throws Exception {
    valid = ArchiveKit.validArchive(tmp.resolve("src"), 3);
    ents = entries(valid);
    extract = tmp.resolve("jail/cell/extract");
    Files.createDirectories(extract);
    Files.createDirectories(tmp.resolve("etc")); // a place a link could lead to
  }

  private Path hostile(String name, List<Ent> entries) throws Exception {
    return writeArchive(tmp.resolve(name + ".tar.gz"), entries);
  }

  /** Refused alike with and without a sink; nothing outside {@link #extract} changed. */
  private String refuse(Path archive, Limits limits, String expected) throws Exception {
    String before = ArchiveKit.treeDigest(tmp, extract);
    UnsafeArchiveException verify = assertThrows(UnsafeArchiveException.class,
        () -> ArchiveReader.read(archive, limits, null, b -> {}));
    ArchiveKit.deleteTree(extract);
    Files.createDirectories(extract);
    UnsafeArchiveException read = assertThrows(UnsafeArchiveException.class,
        () -> ArchiveReader.read(archive, limits, ArchiveKit.naiveSink(extract), b -> {}));
    if (expected != null) {
      assertEquals(expected, verify.getMessage());
    }
    assertEquals(verify.getMessage(), read.getMessage(), "the sink changes nothing about the refusal");
    assertEquals(before, ArchiveKit.treeDigest(tmp, extract), "something was written outside " + extract);
    assertFalse(Files.exists(tmp.resolve("planted")));
    assertFalse(Files.exists(tmp.resolve("etc/passwd")));
    System.out.println("refused: " + verify.getMessage());
    return verify.getMessage();
  }

  private String refuse(Path archive, String expected) throws Exception {
    return refuse(archive, Limits.DEFAULT, expected);
  }

  /**
   * The inflating thread never outlives a read: not when the read succeeds, not when a sink fails
   * half way (its failure is what the caller sees), not when the archive is refused.
   */
  @Test
  void theInflatingThreadEndsWithEveryRead() throws Exception {
    // big enough for many chunks in flight: a file of 8 MiB of random bytes
    byte[] big = new byte[8 << 20];
    new java.util.Random(6).nextBytes(big);
    Path large = writeArchive(tmp.resolve("large.tar.gz"), remanifest(plus(ents, file(S + "/db/big.vlog", big))));
    assertTrue(ArchiveReader.verify(large).bytes() > big.length, "the whole stream was read");
    assertFalse(inflating(), "after a read that returned");

    FullDiskSink failing = new FullDiskSink();
    // The sink's own failure leaves as it was, not as "corrupt archive, use another backup".
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> ArchiveReader.read(large, Limits.DEFAULT, failing, b -> {}));
    assertTrue(e.getCause() == failing.full, String.valueOf(e.getCause()));
    assertFalse(inflating(), "after a sink failed mid-file");

    byte[] whole = Files.readAllBytes(large);
    Path cut = tmp.resolve("cut.tar.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 3));
    assertThrows(UnsafeArchiveException.class, () -> ArchiveReader.verify(cut));
    assertFalse(inflating(), "after a truncated archive");
  }

  /** read() joins its inflating thread before it returns or throws: none may be left. */
  private static boolean inflating() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("archive-inflate") && t.isAlive());
  }

  @Test
  void validArchiveVerifies_extractsAsWritten_andGnuTarListsIt() throws Exception {
    ArchiveReader.Verified v = ArchiveReader.read(valid, Limits.DEFAULT, ArchiveKit.naiveSink(extract), b -> {});
    assertEquals(ArchiveKit.sha256(valid), v.sha256());
    assertEquals(ents.size(), v.entries());
    assertEquals(ents.size() - 1, v.manifest().files().size());
    assertEquals(CA_JSON, v.manifest().caConfig());
    for (Manifest.FileEntry f : v.manifest().files()) {
      Path p = Path.of(extract + f.path());
      switch (f.type()) {
        case "file" -> assertEquals(f.sha256(), ArchiveKit.sha256(p), f.path());
        case "dir" -> assertTrue(Files.isDirectory(p), f.path());
        default -> assertEquals(f.link(), Files.readSymbolicLink(p).toString(), f.path());
      }
    }
    List<String> listed = ArchiveKit.run(tmp, "tar", "-tzf", valid.toString()).lines().toList();
    assertEquals(ents.stream().map(Ent::name).toList(), listed);
    assertEquals(MANIFEST, listed.get(listed.size() - 1));
  }

  /**
   * A manifest that lists itself, with its own exact size: the manifest cannot vouch for itself.
   * This crashed the cross-check (no hash is recorded for the manifest) instead of refusing it.
   */
  @Test
  void aManifestListingItself_isRefusedByName() throws Exception {
    List<Ent> rest = ents.stream().filter(e -> !ArchiveKit.isManifest(e)).toList();
    Manifest m = ArchiveKit.manifestOf(ents);
    long size = 0;
    Ent self = null;
    for (int i = 0; i < 5; i++) { // the size is part of what it measures: settle it
      List<Manifest.FileEntry> files = new ArrayList<>(m.files());
      files.add(new Manifest.FileEntry("/" + MANIFEST, "file", size, "0600", 0, 0, "0".repeat(64), null));
      self = ArchiveKit.manifestEnt(new Manifest(m.formatVersion(), m.backupId(), m.ca(), m.caUrl(), m.createdAt(),
          m.reason(), m.dbType(), m.caConfig(), m.stepPath(), m.roots(), m.rootFingerprint(),
          m.intermediateFingerprint(), files));
      if (self.data().length == size) {
        break;
      }
      size = self.data().length;
    }
    assertEquals(size, self.data().length, "the manifest's own size is exact");
    List<Ent> all = new ArrayList<>(rest);
    all.add(self);
    Path a = hostile("manifest-lists-itself", all);
    refuse(a, a + ": manifest lists itself (/" + MANIFEST + "): refused");
  }

  @Test
  void pathTraversal() throws Exception {
    Path a = hostile("traversal", remanifest(plus(ents, file("tmp/x/../../etc/passwd", "root::0:0::/:/bin/sh\n"))));
    refuse(a, a + ": entry name 'tmp/x/../../etc/passwd' contains '..': refused (path traversal)");
    // deep enough that a sink obeying it would land in tmp/planted
    String deep = S + "/../../../../../../planted";
    Path b = hostile("traversal-deep", remanifest(plus(ents, file(deep, "x"))));
    refuse(b, b + ": entry name '" + deep + "' contains '..': refused (path traversal)");
  }

  @Test
  void absoluteName_isRefusedNotStripped() throws Exception {
    Path a = hostile("absolute", plus(ents, file("/etc/passwd", "root::0:0::/:/bin/sh\n")));
    refuse(a, a + ": entry name '/etc/passwd' is absolute, empty or malformed: refused (path traversal)");
  }

  @Test
  void absoluteLongName_inPaxOrGnuHeader_isRefusedNotStripped() throws Exception {
    // Commons Compress strips a leading '/' from PAX 'path' and GNU long names when reading: the
    // raw name must be checked. The manifest lists the stripped path, so nothing else would object.
    String name = S + "/certs/" + "a".repeat(120) + ".crt";
    List<Ent> listed = remanifest(plus(ents, file(name, "x")));
    List<Ent> absolute = new ArrayList<>(listed);
    absolute.replaceAll(e -> e.name().equals(name) ? new Ent("/" + name, e.flag(), e.mode(), e.link(), e.data()) : e);
    Path pax = hostile("absolute-pax", absolute);
    refuse(pax, pax + ": entry name '/" + name + "' is absolute, empty or malformed: refused (path traversal)");
    Path gnu = tmp.resolve("absolute-gnu.tar.gz");
    Files.write(gnu, ArchiveKit.gzip(ArchiveKit.tar(absolute, TarArchiveOutputStream.LONGFILE_GNU)));
    refuse(gnu, gnu + ": entry name '/" + name + "' is absolute, empty or malformed: refused (path traversal)");
    // the same archive without the slash is fine: the refusal is about the slash alone
    ArchiveReader.verify(hostile("long-ok", listed));
  }

  @Test
  void symlinkEscape_withAFileBeneathIt() throws Exception {
    String link = S + "/certs/evil";
    String target = "../../../../../../../etc"; // from the sink's certs dir: tmp/etc
    Path a = hostile("symlink-escape", remanifest(plus(ents, symlink(link, target),
        file(link + "/passwd", "root::0:0::/:/bin/sh\n"))));
    refuse(a, a + ": entry '" + link + "/passwd' lies beneath the symlink '" + link
        + "': refused (writing through a link escapes the restore)");
  }

  @Test
  void symlinkLeadingOutsideTheRoots() throws Exception {
    String link = S + "/certs/evil";
    Path a = hostile("symlink-outside", remanifest(plus(ents, symlink(link, "../../../../etc"))));
    refuse(a, a + ": symlink /" + link + " → ../../../../etc leads outside the backed-up roots: refused");
  }

  @Test
  void symlinkEscapeThroughAnotherSymlink() throws Exception {
    // x/up -> .. stays inside; e -> x/up/../.. is inside when read lexically (S/x/up/../.. = S),
    // but resolved on disk x/up is S itself, so e is S/../.. : outside.
    Path a = hostile("symlink-chain", remanifest(plus(ents, dir(S + "/x"), symlink(S + "/x/up", ".."),
        symlink(S + "/e", "x/up/../.."))));
    refuse(a, a + ": symlink /" + S + "/e → x/up/../.. leads outside the backed-up roots: refused");
  }

  @Test
  void symlinkWithAbsoluteTarget() throws Exception {
    String link = S + "/certs/evil";
    Path a = hostile("symlink-absolute", remanifest(plus(ents, symlink(link, "/etc"))));
    refuse(a, a + ": symlink '" + link + "' points to '/etc': only relative links inside the backup are allowed");
  }

  @Test
  void symlinkOverEntriesAlreadyExtracted() throws Exception {
    // A file first, then a link at its parent: tar -x would fail or replace, the reader refuses.
    String link = S + "/certs/later";
    Path a = hostile("symlink-late", remanifest(plus(ents, file(link + "/x.crt", "x"), symlink(link, "../secrets"))));
    refuse(a, a + ": entry '" + link + "/x.crt' lies beneath the symlink '" + link
        + "': refused (writing through a link escapes the restore)");
  }

  @Test
  void hardLink() throws Exception {
    String name = S + "/certs/hl";
    Path a = hostile("hardlink", remanifest(plus(ents, special(name, TarConstants.LF_LINK, "etc/passwd"))));
    refuse(a, a + ": entry '" + name + "' is a hard link to 'etc/passwd': refused (a step-ca backup holds"
        + " only files, directories and symlinks)");
    // named like a directory: Commons Compress calls it one (isDirectory() is true)
    Path b = hostile("hardlink-dir", remanifest(plus(ents, special(name + "/", TarConstants.LF_LINK, "../../../../../etc"))));
    refuse(b, b + ": entry '" + name + "' is a hard link to '../../../../../etc': refused (a step-ca backup"
        + " holds only files, directories and symlinks)");
  }

  @Test
  void characterDevice_evenWhenTheManifestCallsItAFile() throws Exception {
    String name = S + "/certs/tty";
    Path a = hostile("chardev", remanifest(plus(ents, special(name, TarConstants.LF_CHR, ""))));
    refuse(a, a + ": entry '" + name + "' is a device file: refused (a step-ca backup holds only files,"
        + " directories and symlinks)");
  }

  @Test
  void fifo_evenWhenTheManifestCallsItAFile() throws Exception {
    String name = S + "/certs/pipe";
    Path a = hostile("fifo", remanifest(plus(ents, special(name, TarConstants.LF_FIFO, ""))));
    refuse(a, a + ": entry '" + name + "' is a fifo: refused (a step-ca backup holds only files,"
        + " directories and symlinks)");
  }

  @Test
  void duplicateEntry() throws Exception {
    Path a = hostile("duplicate", remanifest(plus(ents, file(S + "/config/ca.json", "{\"evil\":true}"))));
    refuse(a, a + ": entry '" + S + "/config/ca.json' appears twice: refused (a second copy could silently"
        + " replace the first)");
  }

  @Test
  void truncatedGzip_atSeveralPoints() throws Exception {
    byte[] whole = Files.readAllBytes(valid);
    int[] cuts = {0, 5, 10, 30, whole.length / 2, whole.length - 8, whole.length - 4, whole.length - 1};
    for (int cut : cuts) {
      Path a = tmp.resolve("cut-" + cut + ".tar.gz");
      Files.write(a, Arrays.copyOf(whole, cut));
      String m = refuse(a, null);
      assertTrue(m.startsWith("archive " + a + " is truncated (unexpected end of data)")
          || m.startsWith(a + " has no stepca-recovery manifest"), "cut at " + cut + ": " + m);
    }
  }

  @Test
  void manifestMissing() throws Exception {
    Path a = hostile("no-manifest", without(ents, MANIFEST));
    refuse(a, a + " has no stepca-recovery manifest: it was not made by this tool or is incomplete; refused");
  }

  @Test
  void manifestChecksumMismatch() throws Exception {
    List<Ent> changed = new ArrayList<>(ents);
    changed.replaceAll(e -> e.name().equals(S + "/secrets/root_ca_key")
        ? new Ent(e.name(), e.flag(), e.mode(), e.link(), "another key".getBytes(StandardCharsets.UTF_8)) : e);
    Path a = hostile("checksum", changed);
    refuse(a, a + ": checksum mismatch for /" + S + "/secrets/root_ca_key (the archive's content differs from"
        + " its manifest): refused; use another backup");
  }

  @Test
  void fileNotInManifest() throws Exception {
    Path a = hostile("unlisted", plus(ents, file(S + "/certs/extra.crt", "x")));
    refuse(a, a + ": entry '" + S + "/certs/extra.crt' is not in the manifest (added after the backup was made?):"
        + " refused");
  }

  @Test
  void manifestEntryMissingFromArchive() throws Exception {
    Path a = hostile("missing", without(ents, S + "/secrets/intermediate_ca_key"));
    refuse(a, a + ": manifest lists /" + S + "/secrets/intermediate_ca_key but the archive does not hold it"
        + " (incomplete or tampered)");
  }

  @Test
  void manifestNotLast() throws Exception {
    List<Ent> moved = new ArrayList<>(ents);
    Ent last = moved.remove(moved.size() - 1);
    Ent before = moved.remove(moved.size() - 1);
    moved.add(last);
    moved.add(before);
    Path a = hostile("manifest-not-last", moved);
    refuse(a, a + ": entry '" + before.path().substring(1) + "' follows the manifest;"
        + " the manifest must be the last entry");
  }

  @Test
  void gzipBomb_bigEntry() throws Exception {
    // 64 MiB of zeros: ~64 KiB compressed
    Path a = hostile("bomb", remanifest(plus(ents, file(S + "/db/bomb.vlog", new byte[64 << 20]))));
    assertTrue(Files.size(a) < 200_000);
    refuse(a, SMALL, a + " would expand beyond " + (16L << 20) + " bytes: refused as a tar bomb");
    Limits ratio = new Limits(1000, 1L << 40, 100, 1L << 20);
    refuse(a, ratio, a + " expands more than 100× its compressed size: refused as a gzip bomb");
  }

  @Test
  void gzipBomb_afterTheTarEnd() throws Exception {
    byte[] tar = ArchiveKit.tar(ents);
    byte[] bomb = Arrays.copyOf(tar, tar.length + (64 << 20)); // zeros after the end marker
    Path a = tmp.resolve("bomb-after-end.tar.gz");
    Files.write(a, ArchiveKit.gzip(bomb));
    refuse(a, SMALL, a + " would expand beyond " + (16L << 20) + " bytes: refused as a tar bomb");
    Limits ratio = new Limits(1000, 1L << 40, 100, 1L << 20);
    refuse(a, ratio, a + " expands more than 100× its compressed size: refused as a gzip bomb");
  }

  @Test
  void dataAfterTheTarEnd() throws Exception {
    // a second tar stream appended after the first one's end marker: not ours
    byte[] tar = ArchiveKit.tar(ents);
    byte[] second = ArchiveKit.tar(List.of(file("etc/passwd", "root::0:0::/:/bin/sh\n")));
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(tar);
    both.write(second);
    Path a = tmp.resolve("appended.tar.gz");
    Files.write(a, ArchiveKit.gzip(both.toByteArray()));
    refuse(a, a + " has data after the end of its tar stream: refused (appended or tampered)");
  }

  @Test
  void tarBomb_manyEntries() throws Exception {
    List<Ent> many = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      many.add(file(S + "/db/empty-" + i, ""));
    }
    Path a = hostile("tar-bomb", remanifest(plus(ents, many.toArray(Ent[]::new))));
    refuse(a, new Limits(100, 1L << 30, 1000), a + " has more than 100 entries: refused as a tar bomb");
  }

  @Test
  void directoryOrSymlinkWithData() throws Exception {
    // data behind a directory header is skipped by tar, unseen by any limit: refused
    String name = S + "/certs/full";
    // Commons Compress will not write it: write a file and turn its header into a directory's
    List<Ent> listed = remanifest(plus(ents, dir(name)));
    List<Ent> withData = new ArrayList<>(listed);
    withData.replaceAll(e -> e.name().equals(name + "/") ? file(name, new byte[4096]) : e);
    byte[] tar = ArchiveKit.patchType(ArchiveKit.tar(withData), name, TarConstants.LF_DIR);
    Path a = tmp.resolve("dir-data.tar.gz");
    Files.write(a, ArchiveKit.gzip(tar));
    refuse(a, a + ": entry '" + name + "' is a directory with 4096 bytes of data: refused");
  }

  @Test
  void multiMemberGzip_isReadCompletely_likeGnuTar() throws Exception {
    byte[] tar = ArchiveKit.tar(ents);
    int split = 7777; // mid-entry, not on a block boundary
    assertTrue(tar.length > split + 1024);
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(ArchiveKit.gzip(Arrays.copyOfRange(tar, 0, split)));
    two.write(ArchiveKit.gzip(Arrays.copyOfRange(tar, split, tar.length)));
    Path a = tmp.resolve("two-members.tar.gz");
    Files.write(a, two.toByteArray());

    ArchiveReader.Verified v = ArchiveReader.read(a, Limits.DEFAULT, ArchiveKit.naiveSink(extract), b -> {});
    assertEquals(ents.size(), v.entries());
    assertEquals(ArchiveKit.manifestOf(ents), v.manifest());
    assertEquals(ArchiveKit.sha256(a), v.sha256());

    assertEquals(ents.stream().map(Ent::name).toList(),
        ArchiveKit.run(tmp, "tar", "-tzf", a.toString()).lines().toList());
    Path gnu = Files.createDirectories(tmp.resolve("gnu"));
    ArchiveKit.run(tmp, "tar", "-xzf", a.toString(), "-C", gnu.toString());
    for (Manifest.FileEntry f : v.manifest().files()) {
      Path p = Path.of(gnu + f.path());
      switch (f.type()) {
        case "file" -> assertEquals(f.sha256(), ArchiveKit.sha256(p), f.path());
        case "dir" -> assertTrue(Files.isDirectory(p), f.path());
        default -> assertEquals(f.link(), Files.readSymbolicLink(p).toString(), f.path());
      }
    }
    assertTrue(Files.isRegularFile(gnu.resolve(MANIFEST)));
  }
}
