package io.stepcarecovery.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stepcarecovery.archive.ArchiveReader.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to a real archive (fixed seed, so every run is the same 300 cases): the reader
 * either proves the archive intact or refuses it with an {@link UnsafeArchiveException}; never
 * another exception, never a hang, never a write outside its sink's directory.
 */
@Timeout(180)
class ArchiveFuzzTest {
  private static final long SEED = 0x5EC0DEL;
  private static final int CASES = 300;

  @TempDir
  Path tmp;

  @Test
  void randomDamageIsEitherHarmlessOrRefused() throws Exception {
    Path valid = ArchiveKit.validArchive(tmp.resolve("src"), 20);
    byte[] original = Files.readAllBytes(valid);
    List<Manifest.FileEntry> files = ArchiveReader.verify(valid).manifest().files();
    assertTrue(files.size() > 25, "about 20 files plus the CA's own");
    Path extract = tmp.resolve("jail/extract");
    Path mutated = tmp.resolve("mutated.tar.gz");
    Limits limits = new Limits(10_000, 64L << 20, 1000, 8L << 20);
    Random random = new Random(SEED);
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, String> examples = new LinkedHashMap<>();
    long t0 = System.nanoTime();

    for (int i = 0; i < CASES; i++) {
      String op;
      byte[] b = original.clone();
      int at = random.nextInt(b.length);
      switch (random.nextInt(5)) {
        case 0 -> {
          int flips = 1 + random.nextInt(3);
          for (int k = 0; k < flips; k++) {
            int p = k == 0 ? at : random.nextInt(b.length);
            b[p] ^= (byte) (1 << random.nextInt(8));
          }
          op = flips + " bit flip(s) from " + at;
        }
        case 1 -> {
          int n = 1 + random.nextInt(8);
          for (int k = 0; k < n && at + k < b.length; k++) {
            b[at + k] = (byte) random.nextInt(256);
          }
          op = n + " byte(s) overwritten at " + at;
        }
        case 2 -> {
          b = Arrays.copyOf(b, at);
          op = "truncated to " + at;
        }
        case 3 -> {
          byte[] ins = new byte[1 + random.nextInt(16)];
          random.nextBytes(ins);
          byte[] c = new byte[b.length + ins.length];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(ins, 0, c, at, ins.length);
          System.arraycopy(b, at, c, at + ins.length, b.length - at);
          b = c;
          op = ins.length + " byte(s) inserted at " + at;
        }
        default -> {
          // the first 10 bytes: gzip header (flags, mtime, xfl, os): some changes are harmless
          int p = random.nextInt(10);
          b[p] = (byte) random.nextInt(256);
          op = "gzip header byte " + p + " overwritten";
        }
      }
      Files.write(mutated, b);
      ArchiveKit.deleteTree(extract);
      Files.createDirectories(extract);
      String outside = ArchiveKit.treeDigest(tmp, extract);
      String what = "case " + i + " (" + op + ")";
      String[] outcome = new String[2];
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        for (int pass = 0; pass < 2; pass++) {
          try {
            ArchiveReader.Verified v = ArchiveReader.read(mutated, limits,
                pass == 0 ? null : ArchiveKit.naiveSink(extract), n -> {});
            assertEquals(files, v.manifest().files(), what + " accepted a different manifest");
            outcome[pass] = "accepted";
          } catch (UnsafeArchiveException e) {
            outcome[pass] = category(e.getMessage());
            examples.putIfAbsent(outcome[pass], e.getMessage());
          } catch (Throwable t) {
            fail(what + ": " + t, t);
          }
        }
      }, what + " hung");
      assertEquals(outcome[0], outcome[1], what + ": verify and extract disagree");
      assertEquals(outside, ArchiveKit.treeDigest(tmp, extract), what + " wrote outside " + extract);
      counts.merge(outcome[0], 1, Integer::sum);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("fuzz: " + CASES + " cases, seed " + SEED + ", " + ms + " ms: " + counts);
    examples.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    assertEquals(CASES, counts.values().stream().mapToInt(Integer::intValue).sum());
    // No wall-clock assertion: a loaded CI machine is slow, not wrong. Hangs are caught per case
    // (10 s) and for the whole class (@Timeout).
  }

  private static String category(String message) {
    String[][] table = {
        {"is truncated", "truncated"},
        {"CRC32", "gzip checksum"},
        {"not in the .gz format", "not gzip"},
        {"Garbage after", "garbage after gzip"},
        {"is corrupt", "corrupt (other)"},
        {"checksum mismatch", "content ≠ manifest"},
        {"not in the manifest", "entry not in manifest"},
        {"does not hold it", "manifest entry missing"},
        {"no stepca-recovery manifest", "no manifest"},
        {"manifest is not valid JSON", "manifest not JSON"},
        {"path traversal", "bad name"},
        {"appears twice", "duplicate"},
        {"follows the manifest", "manifest not last"},
        {"after the end of its tar stream", "data after tar end"},
        {"refused as a", "bomb"},
        {"refused (a step-ca backup holds only", "bad entry type"},
        {"symlink", "symlink"},
        {"extended header", "extended header"},
    };
    for (String[] row : table) {
      if (message.contains(row[0])) {
        return row[1];
      }
    }
    return "other";
  }
}
