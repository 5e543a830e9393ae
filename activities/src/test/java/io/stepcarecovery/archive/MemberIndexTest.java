package io.stepcarecovery.archive;

import static io.stepcarecovery.archive.ArchiveKit.file;
import static io.stepcarecovery.archive.ArchiveKit.plus;
import static io.stepcarecovery.archive.ArchiveKit.remanifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.ArchiveKit.Ent;
import io.stepcarecovery.archive.ArchiveReader.Limits;
import io.stepcarecovery.archive.MemberIndex.Segment;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gzip member index at the end of an archive ({@link MemberIndex}) and the parallel inflate
 * it allows ({@link ParallelInflatingStream}), against real archives: plain gzip and tar ignore
 * it; restore reads through it exactly what the sequential inflate reads; and an index that
 * lies (forged offsets, a boundary inside a member, fewer or more members than there are, a
 * member replaced, a truncated file) is refused or ignored, never trusted to skip a byte.
 */
@Timeout(120)
class MemberIndexTest {
  private static final String S = ArchiveKit.STEP.substring(1);
  /** Not {@link ArchiveReader.Layer#NONE}: forces the sequential inflate of the same bytes. */
  private static final ArchiveReader.Layer SEQUENTIAL = raw -> raw;

  @TempDir
  Path tmp;

  /** A real archive's entries with enough content for ~40 members of 4 KiB. */
  List<Ent> ents;
  byte[] tar;
  byte[] noise = new byte[100_000];
  private int refusals;

  @BeforeEach
  void setUp() throws Exception {
    List<Ent> real = ArchiveKit.entries(ArchiveKit.validArchive(tmp.resolve("src"), 20));
    new Random(12).nextBytes(noise);
    ents = remanifest(plus(real, file(S + "/db/000001.vlog", noise)));
    tar = ArchiveKit.tar(ents);
  }

  /** The tar through the backup's own gzip writer, in members of {@code chunk} bytes, indexed. */
  private Path indexed(String name, int chunk) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(bytes, 6, chunk, 2, true)) {
      gz.write(tar);
    }
    return Files.write(tmp.resolve(name + ".tar.gz"), bytes.toByteArray());
  }

  private static Optional<MemberIndex> index(Path archive) throws Exception {
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ)) {
      return MemberIndex.find(ch, ch.size());
    }
  }

  /** The same archive with its index replaced by one listing these segments. */
  private Path reindexed(Path archive, String name, long[] in, long[] out) throws Exception {
    MemberIndex old = index(archive).orElseThrow();
    byte[] body = Arrays.copyOf(Files.readAllBytes(archive), (int) old.start());
    byte[] member = MemberIndex.member(in, out, in.length);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(body);
    b.write(member);
    return Files.write(tmp.resolve(name + ".tar.gz"), b.toByteArray());
  }

  private static long[] ins(MemberIndex i) {
    return i.segments().stream().mapToLong(Segment::compressed).toArray();
  }

  private static long[] outs(MemberIndex i) {
    return i.segments().stream().mapToLong(Segment::inflated).toArray();
  }

  private ArchiveReader.Verified readBoth(Path archive) throws Exception {
    Path par = Files.createDirectories(tmp.resolve("x-par-" + archive.getFileName()));
    Path seq = Files.createDirectories(tmp.resolve("x-seq-" + archive.getFileName()));
    ArchiveReader.Verified p = ArchiveReader.read(archive, Limits.DEFAULT, ArchiveKit.naiveSink(par), b -> {});
    ArchiveReader.Verified s = ArchiveReader.read(archive, SEQUENTIAL, Limits.DEFAULT, ArchiveKit.naiveSink(seq), b -> {});
    assertEquals(s, p, "the parallel read reports what the sequential read of the same bytes reports");
    assertEquals(ArchiveKit.treeDigest(seq), ArchiveKit.treeDigest(par), "and extracts the same tree");
    assertEquals(ArchiveKit.sha256(archive), p.sha256(), "the whole file's SHA-256");
    assertFalse(inflating(), "no inflating thread outlives a read");
    return p;
  }

  /** Refused alike when verifying and when extracting; no inflating thread left behind. */
  private String refuse(Path archive) throws Exception {
    UnsafeArchiveException verify = assertThrows(UnsafeArchiveException.class, () -> ArchiveReader.verify(archive));
    UnsafeArchiveException read = assertThrows(UnsafeArchiveException.class,
        () -> ArchiveReader.read(archive, Limits.DEFAULT, ArchiveKit.naiveSink(tmp.resolve("x-refused-" + refusals++)), b -> {}));
    assertEquals(verify.getMessage(), read.getMessage());
    assertFalse(inflating(), "no inflating thread outlives a refusal");
    System.out.println("refused: " + verify.getMessage());
    return verify.getMessage();
  }

  private static boolean inflating() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(InflatedStream.THREAD) && t.isAlive());
  }

  @Test
  void theBackupWritersArchive_hasAnIndex_thatGzipAndTarIgnore() throws Exception {
    Path real = ArchiveKit.validArchive(tmp.resolve("real"), 5);
    MemberIndex i = index(real).orElseThrow(() -> new AssertionError("ArchiveWriter writes an index"));
    assertEquals(Files.size(real), i.start() + i.member().length, "the index member ends the file");
    readBoth(real);

    Path many = indexed("many", 4096);
    assertTrue(index(many).orElseThrow().segments().size() > 20, "many members, one segment each");
    ArchiveReader.Verified v = readBoth(many);
    assertEquals(ents.size(), v.entries());

    for (Path a : List.of(real, many)) {
      ArchiveKit.run(tmp, "gzip", "-t", a.toString());
      assertEquals(names(a), ArchiveKit.run(tmp, "tar", "-tzf", a.toString()).lines().toList(), "tar -tzf");
      Path x = Files.createDirectories(tmp.resolve("gnu-" + a.getFileName()));
      ArchiveKit.run(tmp, "tar", "-xzf", a.toString(), "-C", x.toString());
      for (Manifest.FileEntry f : ArchiveReader.verify(a).manifest().files()) {
        Path p = Path.of(x + f.path());
        switch (f.type()) {
          case "file" -> assertEquals(f.sha256(), ArchiveKit.sha256(p), f.path());
          case "dir" -> assertTrue(Files.isDirectory(p), f.path());
          default -> assertEquals(f.link(), Files.readSymbolicLink(p).toString(), f.path());
        }
      }
    }
    // gzip -dc gives the tar stream and nothing more: the index member inflates to nothing
    ArchiveKit.run(tmp, "sh", "-c", "gzip -dc '" + many + "' > '" + many + ".tar'");
    assertArrayEquals(tar, Files.readAllBytes(Path.of(many + ".tar")));
  }

  private static List<String> names(Path a) throws Exception {
    return ArchiveKit.entries(a).stream().map(Ent::name).toList();
  }

  @Test
  void segmentsOfSeveralWholeMembers_areStillExact() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] in = ins(i);
    long[] out = outs(i);
    // members 0+1 and 2+3 as one segment each: whole members, exact lengths — a valid index
    long[] in2 = new long[in.length - 2];
    long[] out2 = new long[in.length - 2];
    in2[0] = in[0] + in[1];
    out2[0] = out[0] + out[1];
    in2[1] = in[2] + in[3];
    out2[1] = out[2] + out[3];
    System.arraycopy(in, 4, in2, 2, in.length - 4);
    System.arraycopy(out, 4, out2, 2, in.length - 4);
    Path merged = reindexed(a, "merged", in2, out2);
    assertEquals(in.length - 2, index(merged).orElseThrow().segments().size());
    readBoth(merged);
  }

  @Test
  void anIndexPointingIntoTheMiddleOfAMember_isRefused() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] in = ins(i);
    in[3] += 100; // segment 3 runs into member 4, which then starts 100 bytes late
    in[4] -= 100;
    Path forged = reindexed(a, "mid-member", in, outs(i));
    assertTrue(index(forged).isPresent(), "the layout alone looks right: the content must tell");
    String m = refuse(forged);
    assertTrue(m.startsWith(forged + ": its gzip member index does not match its content: segment 3 (bytes "),
        m);
    assertTrue(m.endsWith("; the archive is corrupt or was altered after it was written: refused, use another backup"), m);
  }

  @Test
  void forgedOffsets_swappedLengths_areRefused() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] in = ins(i);
    long[] out = outs(i);
    int k = -1;
    for (int j = 0; j + 1 < in.length && k < 0; j++) {
      k = in[j] != in[j + 1] ? j : -1;
    }
    assertTrue(k >= 0);
    long t = in[k];
    in[k] = in[k + 1];
    in[k + 1] = t;
    String m = refuse(reindexed(a, "swapped", in, out));
    assertTrue(m.contains("its gzip member index does not match its content: segment " + k + " "), m);
  }

  @Test
  void anIndexClaimingMoreMembers_splittingOne_isRefused() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] in = ins(i);
    long[] out = outs(i);
    long[] in2 = new long[in.length + 1];
    long[] out2 = new long[in.length + 1];
    in2[0] = in[0] / 2;
    in2[1] = in[0] - in[0] / 2;
    out2[0] = out[0] / 2;
    out2[1] = out[0] - out[0] / 2;
    System.arraycopy(in, 1, in2, 2, in.length - 1);
    System.arraycopy(out, 1, out2, 2, in.length - 1);
    String m = refuse(reindexed(a, "split", in2, out2));
    assertTrue(m.contains("index does not match its content: segment 0 "), m);
  }

  @Test
  void anInflatedLengthThatLies_isRefused_neverReadPast() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] more = outs(i);
    more[5] += 1;
    String m = refuse(reindexed(a, "longer", ins(i), more));
    assertTrue(m.contains("segment 5 (bytes ") && m.contains(") inflates to 4096 bytes where the index says 4097;"), m);
    long[] less = outs(i);
    less[5] -= 1;
    m = refuse(reindexed(a, "shorter", ins(i), less));
    assertTrue(m.contains("segment 5 (bytes ") && m.contains(") inflates to more than the 4095 bytes the index says;"), m);
  }

  /**
   * An index that does not tile the file (a member missing from it, one too many, lengths out
   * of bounds) is not used: the archive is inflated sequentially, every byte, as one written
   * before the index existed — and still verified in full.
   */
  @Test
  void anIndexThatDoesNotTileTheFile_isIgnored_andTheArchiveReadSequentially() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    long[] in = ins(i);
    long[] out = outs(i);
    List<Path> forged = new ArrayList<>();
    forged.add(reindexed(a, "fewer", Arrays.copyOf(in, in.length - 1), Arrays.copyOf(out, in.length - 1)));
    long[] in2 = Arrays.copyOf(in, in.length + 1);
    long[] out2 = Arrays.copyOf(out, in.length + 1);
    in2[in.length] = 20;
    forged.add(reindexed(a, "more", in2, out2));
    long[] gap = in.clone();
    gap[2] -= 1;
    forged.add(reindexed(a, "gap", gap, out));
    for (Path f : forged) {
      assertTrue(index(f).isEmpty(), f.toString());
      ArchiveReader.Verified v = readBoth(f);
      assertEquals(ArchiveKit.sha256(f), v.sha256());
      assertEquals(ents.size(), v.entries());
    }
  }

  @Test
  void aMemberReplaced_isRefused() throws Exception {
    Path a = indexed("a", 4096);
    MemberIndex i = index(a).orElseThrow();
    byte[] z = Files.readAllBytes(a);
    // a byte of file content (tar padding is ignored by every tar reader; the whole-file
    // SHA-256 the store recorded is what catches a change there)
    int at = indexOf(tar, Arrays.copyOf(noise, 64)) + 50_000;
    int k = at / 4096;
    Segment s = i.segments().get(k);
    // another valid member of the same inflated length and a consistent index: gzip is sound,
    // the tar content is not what the manifest vouches for
    byte[] other = Arrays.copyOfRange(tar, k * 4096, (k + 1) * 4096);
    other[at % 4096] ^= 1;
    byte[] member = ArchiveKit.gzip(other);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(z, 0, (int) s.offset());
    b.write(member);
    b.write(z, (int) s.end(), (int) (i.start() - s.end()));
    long[] in = ins(i);
    in[k] = member.length;
    ByteArrayOutputStream withIndex = new ByteArrayOutputStream();
    withIndex.write(b.toByteArray());
    withIndex.write(MemberIndex.member(in, outs(i), in.length));
    Path replaced = Files.write(tmp.resolve("replaced.tar.gz"), withIndex.toByteArray());
    assertTrue(index(replaced).isPresent());
    String m = refuse(replaced);
    String seq = assertThrows(UnsafeArchiveException.class,
        () -> ArchiveReader.read(replaced, SEQUENTIAL, Limits.DEFAULT, null, x -> {})).getMessage();
    assertEquals(seq, m, "refused as the sequential read refuses it");

    // the same member with one bit of its deflate data flipped, the index untouched
    byte[] flipped = z.clone();
    flipped[(int) s.offset() + 20] ^= 0x10;
    Path bit = Files.write(tmp.resolve("bit.tar.gz"), flipped);
    assertTrue(refuse(bit).contains("segment " + k + " (bytes "));
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    for (int i = 0; i + needle.length <= hay.length; i++) {
      if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new IllegalArgumentException("not found");
  }

  @Test
  void aTruncatedIndexedArchive_isRefusedAsTruncated() throws Exception {
    Path a = indexed("a", 4096);
    byte[] z = Files.readAllBytes(a);
    MemberIndex i = index(a).orElseThrow();
    int[] cuts = {z.length - 1, z.length - 10, (int) i.start() - 1, z.length / 2, 10};
    for (int cut : cuts) {
      Path t = Files.write(tmp.resolve("cut-" + cut + ".tar.gz"), Arrays.copyOf(z, cut));
      String m = refuse(t);
      assertTrue(m.startsWith("archive " + t + " is truncated (unexpected end of data)")
          || m.startsWith(t + " has no stepca-recovery manifest"), "cut at " + cut + ": " + m);
    }
    // cut exactly before the index: whole members, no index, as an archive written before the
    // index existed (its SHA-256 no longer the one the store recorded, which restore checks)
    Path noIndex = Files.write(tmp.resolve("no-index.tar.gz"), Arrays.copyOf(z, (int) i.start()));
    assertTrue(index(noIndex).isEmpty());
    readBoth(noIndex);
    // a member cut out of the middle, the index kept: the index no longer tiles the file
    Segment s = i.segments().get(3);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(z, 0, (int) s.offset());
    b.write(z, (int) s.end(), z.length - (int) s.end());
    Path hole = Files.write(tmp.resolve("hole.tar.gz"), b.toByteArray());
    assertTrue(index(hole).isEmpty());
    refuse(hole);
  }

  /** Many segments in flight through a small pool: bounded slots, order kept, nothing lost. */
  @Test
  void aLargeArchive_inManyMembers_readsInOrder() throws Exception {
    byte[] big = new byte[6 << 20];
    new Random(3).nextBytes(big);
    ents = remanifest(plus(ents, file(S + "/db/000002.vlog", big)));
    tar = ArchiveKit.tar(ents);
    Path a = indexed("big", 64 << 10);
    assertTrue(index(a).orElseThrow().segments().size() > 90);
    ArchiveReader.Verified v = readBoth(a);
    assertTrue(v.bytes() > big.length);

    // a sink that fails half way (a full disk): its failure is what the caller sees, and the
    // reader and every inflating thread are stopped and joined
    FullDiskSink failing = new FullDiskSink();
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> ArchiveReader.read(a, Limits.DEFAULT, failing, b -> {}));
    assertTrue(e.getCause() == failing.full, String.valueOf(e.getCause()));
    assertFalse(inflating(), "after a sink failed mid-file");
  }
}
