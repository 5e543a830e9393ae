package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** check and forget from a shell, on a real lab CA's store of three real backups. */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckForgetCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static final List<String> ids = new ArrayList<>(); // oldest first

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.up(tmp.resolve("lab"));
    for (int i = 0; i < 3; i++) {
      Cli.Run r = Cli.run("backup", "--config", config(), "--ca", "lab", "--reason", "check " + i, "--json");
      assertEquals(0, r.exitCode(), r.stderr());
      ids.add(JSON.readTree(r.stdout()).get("backupId").asText());
    }
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  static String config() {
    return lab.configFile().toString();
  }

  static Path store() {
    return lab.dir().resolve("backups");
  }

  static Path archiveOf(String id) throws Exception {
    try (Stream<Path> s = Files.list(store().resolve("lab"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(id + ".tar")
          && !p.getFileName().toString().endsWith(".sig")).findFirst().orElseThrow();
    }
  }

  @Test
  @Order(1)
  void checkAndCheckReadDataPassAGoodStore() throws Exception {
    Cli.Run quick = Cli.run("check", "--config", config());
    assertEquals(0, quick.exitCode(), quick.stdout() + quick.stderr());
    for (String id : ids) {
      assertTrue(quick.stdout().contains("ok      " + id), quick.stdout());
    }
    Cli.Run full = Cli.run("check", "--config", config(), "--read-data", "--json");
    assertEquals(0, full.exitCode(), full.stdout() + full.stderr());
    JsonNode doc = JSON.readTree(full.stdout());
    assertTrue(doc.get("ok").asBoolean());
    assertEquals(3, doc.get("backups").size(), full.stdout());
  }

  @Test
  @Order(1)
  void anUnknownBackupIsOneLineWithAPasteableListCommand() throws Exception {
    Cli.Run r = Cli.run("check", "--config", config(), "--backup", "nosuch");
    assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("list them with: stepca-recovery backups --ca lab --config " + config()), r.stderr());
  }

  @Test
  @Order(2)
  void readDataFindsAFlippedByteAndNamesTheBackup() throws Exception {
    String victim = ids.get(1);
    Path archive = archiveOf(victim);
    long at = Files.size(archive) / 2;
    flip(archive, at);
    try {
      // same size, untouched record: only reading the data can tell
      Cli.Run quick = Cli.run("check", "--config", config());
      assertEquals(0, quick.exitCode(), quick.stdout() + quick.stderr());
      Cli.Run full = Cli.run("check", "--config", config(), "--read-data");
      assertEquals(1, full.exitCode(), full.stdout() + full.stderr());
      assertTrue(full.stdout().contains("FAILED  " + victim), full.stdout());
      assertTrue(full.stderr().contains(victim), full.stderr());
      assertEquals(1, full.stderr().strip().lines().count(), full.stderr());
      for (String good : List.of(ids.get(0), ids.get(2))) {
        assertTrue(full.stdout().contains("ok      " + good), full.stdout());
      }
      Cli.Run one = Cli.run("check", "--config", config(), "--backup", ids.get(2), "--read-data");
      assertEquals(0, one.exitCode(), "only the named backup is read: " + one.stdout() + one.stderr());
    } finally {
      flip(archive, at);
    }
    // an archive missing beside its record is a failure, not a backup silently skipped
    Path moved = tmp.resolve("moved");
    Files.move(archive, moved);
    try {
      Cli.Run missing = Cli.run("check", "--config", config());
      assertEquals(1, missing.exitCode(), missing.stdout() + missing.stderr());
      assertTrue(missing.stdout().contains("FAILED  " + victim), missing.stdout());
    } finally {
      Files.move(moved, archive);
    }
  }

  @Test
  @Order(3)
  void checkReadDataWorksOnAReadOnlyStoreAndWritesNothing() throws Exception {
    Path store = store();
    // A real read-only mount (root ignores file modes): bind it onto itself, then remount ro.
    LabCa.run(List.of("mount", "--bind", store.toString(), store.toString()), 10);
    try {
      LabCa.run(List.of("mount", "-o", "remount,bind,ro", store.toString()), 10);
      assertThrows(java.nio.file.FileSystemException.class,
          () -> Files.writeString(store.resolve("lab/probe"), "x"), "the store is read-only");
      TreeMap<String, Long> before = tree(store);
      Cli.Run r = Cli.run("check", "--config", config(), "--read-data");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertEquals(before, tree(store), "nothing in the store changed");
    } finally {
      LabCa.run(List.of("umount", store.toString()), 10);
    }
  }

  @Test
  @Order(4)
  void forgetDryRunChangesNothingAndForgetDeletesOnlyTheOldest() throws Exception {
    TreeMap<String, Long> before = tree(store());
    Cli.Run dry = Cli.run("forget", "--config", config(), "--keep", "2", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.stdout() + dry.stderr());
    assertTrue(dry.stdout().contains("would delete " + ids.get(0)), dry.stdout());
    assertFalse(dry.stdout().contains(ids.get(1)) || dry.stdout().contains(ids.get(2)), dry.stdout());
    assertEquals(before, tree(store()), "--dry-run deleted nothing");

    Cli.Run zero = Cli.run("forget", "--config", config(), "--keep", "0");
    assertEquals(2, zero.exitCode(), "the newest is never forgotten: " + zero.stderr());
    assertEquals(before, tree(store()));

    Cli.Run real = Cli.run("forget", "--config", config(), "--keep", "2", "--json");
    assertEquals(0, real.exitCode(), real.stdout() + real.stderr());
    assertEquals(List.of(ids.get(0)), List.of(JSON.readTree(real.stdout()).get("deleted").get(0).asText()));
    Cli.Run list = Cli.run("backups", "--config", config(), "--json");
    List<String> left = new ArrayList<>();
    JSON.readTree(list.stdout()).get("backups").forEach(b -> left.add(b.get("backupId").asText()));
    assertEquals(List.of(ids.get(2), ids.get(1)), left, "the two newest are kept, newest first");
    try (Stream<Path> s = Files.list(store().resolve("lab"))) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(ids.get(0))),
          "no file of the forgotten backup is left");
    }
  }

  private static void flip(Path file, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  private static TreeMap<String, Long> tree(Path root) throws Exception {
    TreeMap<String, Long> t = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        t.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Files.size(p) ^ Files.getLastModifiedTime(p).toMillis() : -1L);
      }
    }
    return t;
  }
}
