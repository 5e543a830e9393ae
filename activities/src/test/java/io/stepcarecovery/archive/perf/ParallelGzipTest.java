package io.stepcarecovery.archive.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.ArchiveWriter;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.ParallelGzipOutputStream;
import io.stepcarecovery.archive.Snapshotter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parallel, multi-member gzip the archive is written as: GNU tar/gzip and our own reader
 * read it, every byte comes back, and the archive's SHA-256 is the file's.
 */
class ParallelGzipTest {
  static final String STEP = "/srv/stepca-perf/step";

  @TempDir Path tmp;

  @Test
  void roundTripsAtEveryChunkBoundary_throughCommonsCompressAndGnuGzip() throws Exception {
    Random r = new Random(42);
    for (int len : new int[] {0, 1, 1023, 1024, 1025, 4096, 10_000, 65_537}) {
      byte[] data = new byte[len];
      r.nextBytes(data);
      for (int i = 0; i < len; i += 3) {
        data[i] = 'a'; // partly compressible
      }
      for (int threads : new int[] {1, 3}) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream out = new ParallelGzipOutputStream(gz, 6, 1024, threads)) {
          // odd write sizes straddle the chunk boundaries
          for (int off = 0; off < len; ) {
            int n = Math.min(len - off, 1 + r.nextInt(700));
            out.write(data, off, n);
            off += n;
          }
        }
        byte[] z = gz.toByteArray();
        assertEquals(Math.max(1, (len + 1023) / 1024), countMembers(z), "members for " + len + " bytes");
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(z), true)) {
          assertArrayEquals(data, in.readAllBytes(), "Commons Compress, " + len + " bytes, " + threads + " threads");
        }
        Path f = tmp.resolve("x-" + len + "-" + threads + ".gz");
        Files.write(f, z);
        assertEquals(0, run(tmp, "gzip", "-t", f.toString()).exit, "gzip -t " + len);
        Path plain = tmp.resolve("x-" + len + "-" + threads);
        assertEquals(0, new ProcessBuilder("sh", "-c", "gzip -dc '" + f + "' > '" + plain + "'").start().waitFor());
        assertArrayEquals(data, Files.readAllBytes(plain), "gzip -dc, " + len + " bytes");
      }
    }
  }

  @Test
  void archiveOfManyMembers_isReadByGnuTar_andVerifiedByArchiveReader() throws Exception {
    Path snap = tmp.resolve("snapshot");
    Path step = Snapshotter.mirror(snap, Path.of(STEP));
    Map<String, byte[]> files = new TreeMap<>();
    Random r = new Random(1);
    files.put("config/ca.json", ("{\"db\":{\"type\":\"badgerv2\",\"dataSource\":\"" + STEP + "/db\"}}\n")
        .getBytes(StandardCharsets.UTF_8));
    // A value log and tables bigger than several chunks, and many small files between them.
    byte[] vlog = new byte[13 << 20];
    for (int i = 0; i < vlog.length; i++) {
      vlog[i] = (byte) (i % 4096 < 2048 ? r.nextInt(256) : "x509_certs/0123456789\n".charAt(i % 22));
    }
    files.put("db/000000.vlog", vlog);
    for (int i = 0; i < 300; i++) {
      byte[] b = new byte[r.nextInt(9000)];
      r.nextBytes(b);
      files.put(String.format("db/%06d.sst", i + 1), b);
    }
    files.put("db/MANIFEST", new byte[] {1, 2, 3});
    for (var e : files.entrySet()) {
      Path p = step.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    Manifest template = new Manifest(Manifest.FORMAT, "perf-1", "perf", "https://ca.test:9000",
        "2025-01-01T00:00:00Z", "test", "badgerv2", STEP + "/config/ca.json", STEP, List.of(STEP),
        "ab".repeat(32), "cd".repeat(32), List.of());
    Path archive = tmp.resolve("perf.tar.gz");
    ArchiveWriter.Result w = ArchiveWriter.write(snap, template, archive, b -> {});

    byte[] z = Files.readAllBytes(archive);
    // + 1: the member index, last
    assertTrue(countMembers(z) >= 3 + 1, "a 13 MiB+ archive is several gzip members, was " + countMembers(z));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(z)), w.sha256(),
        "the recorded SHA-256 is the whole file's");
    assertEquals(z.length, w.sizeBytes());

    // Our reader: verifies every checksum, the manifest last, the whole-file hash.
    ArchiveReader.Verified v = ArchiveReader.verify(archive);
    assertEquals(w.sha256(), v.sha256());
    assertEquals(w.entries(), v.entries());
    assertEquals(files.size(), v.manifest().files().stream().filter(f -> f.type().equals("file")).count());

    // GNU tar lists it (manifest last) and extracts it byte for byte: the runbook's restore.
    Out list = run(tmp, "tar", "-tzf", archive.toString());
    assertEquals(0, list.exit, list.text);
    List<String> names = list.text.lines().toList();
    assertEquals(Manifest.entryName(STEP), names.get(names.size() - 1));
    Path x = Files.createDirectories(tmp.resolve("x"));
    Out ex = run(tmp, "tar", "-xzf", archive.toString(), "-C", x.toString());
    assertEquals(0, ex.exit, ex.text);
    for (var e : files.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(Snapshotter.mirror(x, Path.of(STEP)).resolve(e.getKey())),
          e.getKey());
    }
    assertTrue(Files.exists(Snapshotter.mirror(x, Path.of(STEP)).resolve(Manifest.DIR).resolve(Manifest.NAME)));
  }

  /**
   * Members in a gzip file, by inflating each one in turn: FLG = 0 members only (ours), but for
   * an archive's last one, the member index, which has a header extra (FLG = FEXTRA).
   */
  static int countMembers(byte[] z) throws DataFormatException {
    int members = 0;
    int off = 0;
    while (off < z.length) {
      assertEquals(0x1f, z[off] & 0xff);
      assertEquals(0x8b, z[off + 1] & 0xff);
      int head = 10;
      if (z[off + 3] == 4) {
        head += 2 + ((z[off + 10] & 0xff) | (z[off + 11] & 0xff) << 8);
        assertEquals('S', z[off + 12], "our index subfield");
        assertEquals('R', z[off + 13], "our index subfield");
      } else {
        assertEquals(0, z[off + 3], "no optional header fields");
      }
      Inflater inf = new Inflater(true);
      inf.setInput(z, off + head, z.length - off - head);
      byte[] sink = new byte[1 << 16];
      while (!inf.finished()) {
        inf.inflate(sink);
      }
      off = z.length - inf.getRemaining() + 8;
      inf.end();
      members++;
    }
    assertEquals(z.length, off);
    return members;
  }

  record Out(int exit, String text) {}

  static Out run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Out(p.exitValue(), text);
  }
}
