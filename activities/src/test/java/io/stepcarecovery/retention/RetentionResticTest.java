package io.stepcarecovery.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention policy on a store of dated backups keeps exactly what restic keeps: the same
 * times as snapshots in a real restic repository ({@code restic backup --time}), and the set
 * {@code restic forget --dry-run --json} keeps compared with the store's, policy by policy.
 * Needs restic (lab/install installs Debian's); never skips.
 */
@Tag("lab")
class RetentionResticTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Far from UTC, with daylight saving time: local days and weeks differ from UTC's. */
  private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
  private static final DateTimeFormatter RESTIC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @TempDir static Path tmp;
  static final TreeMap<String, Instant> backups = new TreeMap<>(); // id -> time

  /**
   * ~80 backups over three years: sparse early, daily-ish lately with several on some days, and
   * some on the edges (around midnight, ISO weeks across new year), all in the past.
   */
  @BeforeAll
  static void times() {
    Random r = new Random(14);
    Instant end = Instant.parse("2026-11-20T00:00:00Z");
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      times.add(end.minus(40 + r.nextInt(1000), ChronoUnit.DAYS).plusSeconds(r.nextInt(86_400)));
    }
    for (int day = 0; day < 40; day++) {
      int n = r.nextInt(3); // 0, 1 or 2 backups that day
      for (int k = 0; k < n; k++) {
        times.add(end.minus(day, ChronoUnit.DAYS).plusSeconds(r.nextInt(86_400)));
      }
    }
    for (String t : List.of("2025-12-31T10:59:59Z", "2025-12-31T11:00:01Z", "2026-01-03T12:00:00Z",
        "2026-01-04T10:30:00Z", "2024-12-29T23:00:00Z", "2025-01-05T11:30:00Z")) {
      times.add(Instant.parse(t)); // Auckland's midnight is 11:00 UTC in its summer
    }
    int n = 0;
    for (Instant t : new TreeSet<>(times)) {
      backups.put(String.format("b-%03d", n++), t);
    }
  }

  @Test
  void theStoreKeepsExactlyWhatResticForgetKeepsForEachPolicy() throws Exception {
    Path store = datedStore(tmp.resolve("auckland"));
    Restic restic = new Restic(tmp.resolve("repo-auckland"), AUCKLAND);
    restic.snapshots();
    BackupStore s = new BackupStore(store, "ca");
    for (KeepPolicy p : List.of(KeepPolicy.lastN(5), KeepPolicy.of(null, 7, null, null, null),
        KeepPolicy.of(null, null, 6, null, null), KeepPolicy.of(null, null, null, 14, null),
        KeepPolicy.of(null, null, null, null, 3), KeepPolicy.of(3, 7, 5, 12, 2),
        KeepPolicy.of(1, 30, 8, 24, 10), KeepPolicy.of(2, 3, 2, 2, 1))) {
      Set<String> expected = restic.keptByForget(p);
      Set<String> ours = new TreeSet<>(s.retention(p, null, AUCKLAND).keptIds());
      assertEquals(expected, ours, "policy " + p + ": kept by restic forget vs by the store");
      assertTrue(ours.size() < backups.size(), "policy " + p + " forgets something here, so the comparison bites");
    }
  }

  @Test
  void forgetRemovesWhatResticWouldAndEveryFileOfIt() throws Exception {
    Path store = datedStore(tmp.resolve("here"));
    ZoneId here = ZoneId.systemDefault();
    Restic restic = new Restic(tmp.resolve("repo-here"), here);
    restic.snapshots();
    KeepPolicy p = KeepPolicy.of(2, 7, 4, 6, 2);
    Set<String> expected = restic.keptByForget(p);
    BackupStore s = new BackupStore(store, "ca");
    List<String> gone = s.prune(p, null);
    assertEquals(backups.size() - expected.size(), gone.size());
    assertEquals(expected, new TreeSet<>(s.list().stream().map(StoredBackup::backupId).toList()));
    try (Stream<Path> files = Files.list(store.resolve("ca"))) {
      Set<String> left = new TreeSet<>();
      files.filter(Files::isRegularFile).forEach(f -> left.add(f.getFileName().toString().replaceAll("\\..*", "")));
      assertEquals(expected, left, "no archive, record or signature of a forgotten backup is left");
    }
    try (Stream<Path> work = Files.list(store.resolve("ca/.work"))) {
      assertFalse(work.findAny().isPresent(), "nothing is left half-forgotten in .work");
    }
  }

  /** A store whose records carry the chosen times, each with an archive and a signature beside it. */
  private static Path datedStore(Path root) throws IOException {
    Path dir = root.resolve("ca");
    Files.createDirectories(dir.resolve(".work"));
    for (Map.Entry<String, Instant> b : backups.entrySet()) {
      String id = b.getKey();
      Files.writeString(dir.resolve(id + ".tar.gz"), "archive " + id);
      Files.writeString(dir.resolve(id + ".tar.gz.sig"), "signature " + id);
      StoredBackup record = new StoredBackup(id, "ca", id + ".tar.gz", "0".repeat(64), 10,
          b.getValue().toString(), "dated", "badgerv2", null, null, List.of(), null, "signer");
      Files.write(dir.resolve(id + ".json"), JSON.writeValueAsBytes(record));
    }
    return root;
  }

  /** A real restic repository, in its own time zone (restic buckets by the local calendar). */
  private record Restic(Path repo, ZoneId zone) {
    void snapshots() throws Exception {
      Path data = repo.resolveSibling(repo.getFileName() + "-data");
      Files.createDirectories(data);
      Files.writeString(data.resolve("f"), "x");
      run(List.of("restic", "init"));
      for (Map.Entry<String, Instant> b : backups.entrySet()) {
        LocalDateTime local = LocalDateTime.ofInstant(b.getValue(), zone);
        // A local time in a daylight-saving gap or fold would be read back as another instant.
        assertEquals(1, zone.getRules().getValidOffsets(local).size(), "unambiguous local time " + local);
        run(List.of("restic", "backup", "--host", "dated", "--tag", b.getKey(), "--time",
            RESTIC_TIME.format(local), data.toString()));
      }
    }

    Set<String> keptByForget(KeepPolicy p) throws Exception {
      List<String> cmd = new ArrayList<>(List.of("restic", "forget", "--dry-run", "--json"));
      cmd.addAll(p.resticArgs());
      JsonNode groups = JSON.readTree(run(cmd));
      assertEquals(1, groups.size(), "one host and path: one group");
      Set<String> kept = new TreeSet<>();
      groups.get(0).get("keep").forEach(sn -> kept.add(sn.get("tags").get(0).asText()));
      return kept;
    }

    String run(List<String> cmd) throws Exception {
      Path pass = repo.resolveSibling(repo.getFileName() + ".pass");
      if (!Files.exists(pass)) {
        Files.writeString(pass, "retention test\n");
      }
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("RESTIC_REPOSITORY", repo.toString());
      pb.environment().put("RESTIC_PASSWORD_FILE", pass.toString());
      pb.environment().put("RESTIC_CACHE_DIR", repo.resolveSibling("cache").toString());
      pb.environment().put("TZ", zone.getId());
      Path err = Files.createTempFile(tmp, "restic", ".err");
      Process proc = pb.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      byte[] out = proc.getInputStream().readAllBytes();
      assertTrue(proc.waitFor(60, TimeUnit.SECONDS), cmd + " finished");
      assertEquals(0, proc.exitValue(), cmd + ": " + Files.readString(err));
      return new String(out, StandardCharsets.UTF_8);
    }
  }
}
