package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.lab.LabCa;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, finding 6, from a shell on the real lab: a STEPPATH or db behind a symlink is backed
 * up by its content and restored with the CA working; what preflight refuses (a store reached
 * through a link into the CA's data, names it cannot store, links leading out) is refused while
 * the CA still runs, same process, tree untouched; a reason's escape sequences are shown
 * neutralised in {@code backups} and raw in {@code backups --json}.
 */
@Tag("lab")
class PathsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void symlinkedStepPathIsBackedUpByContentAndRestoredWithTheCaWorking() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path real = lab.dir().resolve("srv/step");
      lab.ctl("stop");
      Files.createDirectories(real.getParent());
      Files.move(lab.stepPath(), real);
      Files.createSymbolicLink(lab.stepPath(), Path.of("srv/step")); // /etc/step-ca -> /srv/step-ca
      // A link inside the tree stays a link.
      Files.createSymbolicLink(real.resolve("certs/root.pem"), Path.of("root_ca.crt"));
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(java.time.Duration.ofSeconds(20)));

      Manifest m = backup(lab, "symlinked STEPPATH");
      String step = lab.stepPath().toString();
      assertEquals(List.of(step), m.roots(), "named by the configured path");
      assertEquals(Map.of(step, real.toString()), m.symlinkedPaths());
      Map<String, String> types = types(m);
      assertEquals("file", types.get(step + "/config/ca.json"), types.toString());
      assertEquals("file", types.get(step + "/secrets/intermediate_ca_key"), types.toString());
      assertEquals("file", types.get(step + "/db/MANIFEST"), types.toString());
      assertEquals("symlink", types.get(step + "/certs/root.pem"), types.toString());

      // Stopped first, so the hash is not taken while step-ca's badger may still write (it
      // compacts on close): after this, only the restore could change what the link led to.
      lab.ctl("stop");
      String before = hash(real);
      Cli.Run r = Cli.run("restore", "--config", lab.configFile().toString(), "--yes");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(lab.healthy(), "the CA runs on the restored data");
      // Restore writes where ca.json says: the configured path is now a directory holding the
      // backup; the link was moved aside whole and what it led to was not touched.
      assertTrue(Files.isDirectory(lab.stepPath(), LinkOption.NOFOLLOW_LINKS)
          && !Files.isSymbolicLink(lab.stepPath()));
      assertTrue(Files.isRegularFile(lab.caJson()));
      assertEquals(Path.of("root_ca.crt"), Files.readSymbolicLink(lab.stepPath().resolve("certs/root.pem")));
      assertEquals(before, hash(real));
      try (Stream<Path> s = Files.list(lab.dir())) {
        Path aside = s.filter(p -> p.getFileName().toString().startsWith("step.pre-restore-")).findFirst()
            .orElseThrow();
        assertEquals(Path.of("srv/step"), Files.readSymbolicLink(aside));
      }
    }
  }

  @Test
  void symlinkedDbIsBackedUpByContentAndRestoredWithTheCaWorking() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path db = lab.stepPath().resolve("db");
      Path real = lab.dir().resolve("var-lib/stepdb");
      lab.ctl("stop");
      Files.createDirectories(real.getParent());
      Files.move(db, real);
      Files.createSymbolicLink(db, real);
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(java.time.Duration.ofSeconds(20)));

      Manifest m = backup(lab, "symlinked db");
      assertEquals(Map.of(db.toString(), real.toString()), m.symlinkedPaths());
      Map<String, String> types = types(m);
      assertEquals("dir", types.get(db.toString()), types.toString());
      assertEquals("file", types.get(db + "/MANIFEST"), types.toString());
      assertTrue(types.keySet().stream().anyMatch(p -> p.startsWith(db + "/") && p.endsWith(".sst")),
          types.toString());

      // Stopped first, so the hash is not taken while step-ca's badger may still write (it
      // compacts on close): after this, only the restore could change what the link led to.
      lab.ctl("stop");
      String before = hash(real);
      Cli.Run r = Cli.run("restore", "--config", lab.configFile().toString(), "--yes");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(lab.healthy(), "the CA runs on the restored data");
      assertTrue(Files.isRegularFile(db.resolve("MANIFEST"), LinkOption.NOFOLLOW_LINKS));
      assertEquals(before, hash(real));
    }
  }

  @Test
  void storeReachedThroughASymlinkIntoTheCaDataIsRefusedBeforeTheStop() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path link = lab.dir().resolve("store-link");
      Files.createSymbolicLink(link, lab.stepPath().resolve("templates"));
      Path config = lab.dir().resolve("store-in-tree.yaml");
      Files.writeString(config, Files.readString(lab.configFile())
          .replace("store: " + lab.dir().resolve("backups"), "store: " + link.resolve("backups")));
      assertNotEquals(Files.readString(lab.configFile()), Files.readString(config));

      Cli.Run r = refusedBeforeTheStop(lab, "backup", "--config", config.toString());
      assertTrue(r.stdout().contains("is really " + lab.stepPath().resolve("templates/backups"))
          && r.stdout().contains("inside the CA's data"), r.stdout());

      // Nothing is left that blocks the next run.
      assertEquals(0, Cli.run("backup", "--config", lab.configFile().toString()).exitCode());
    }
  }

  @Test
  void namesThatAreNotUtf8AreRefusedBeforeTheStop() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path db = lab.stepPath().resolve("db");
      // Two names Java decodes to the same "x\uFFFD": today one overwrites the other.
      LabCa.run(List.of("bash", "-c", "cd '" + db + "' && printf one > $'x\\xff' && printf two > $'x\\xfe'"), 10);

      Cli.Run r = refusedBeforeTheStop(lab, "backup", "--config", lab.configFile().toString());
      assertTrue(r.stdout().contains("2 file name(s) cannot be stored byte for byte")
          && r.stdout().contains("in directory " + db) && r.stdout().contains("ls -b"), r.stdout());
    }
  }

  @Test
  void withoutAUtf8LocaleEvenAValidUtf8NameIsRefusedBeforeTheStopWithTheLocaleToSet() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path templates = lab.stepPath().resolve("templates");
      LabCa.run(List.of("bash", "-c", "printf x > '" + templates + "'/$'caf\\xc3\\xa9'"), 10);
      // A worker started by systemd often has no LANG: the JVM then reads names as ASCII.
      Map<String, String> noLocale = Map.of("LANG", "", "LC_ALL", "", "LC_CTYPE", "");
      String pid = Files.readString(lab.dir().resolve("step-ca.pid")).strip();
      String tree = hash(lab.stepPath());
      Cli.Run r = Cli.run(noLocale, "backup", "--config", lab.configFile().toString());
      assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(r.stderr().contains("ANSI_X3.4-1968") && r.stderr().contains("LANG=C.UTF-8")
          && r.stderr().contains("in directory " + templates) && r.stderr().contains("Nothing was stopped"),
          r.stderr());
      assertEquals(pid, Files.readString(lab.dir().resolve("step-ca.pid")).strip());
      assertTrue(lab.healthy());
      assertEquals(tree, hash(lab.stepPath()));
      // With a UTF-8 locale the same name is stored byte for byte.
      Manifest m = backup(lab, "utf-8 locale");
      assertEquals("file", types(m).get(templates + "/caf\u00e9"), types(m).toString());
    }
  }

  @Test
  void symlinkLeadingOutOfTheCaDataIsRefusedBeforeTheStop() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path link = lab.stepPath().resolve("certs/outside.crt");
      Files.createSymbolicLink(link, Path.of("../../trust/root_ca.crt"));

      Cli.Run r = refusedBeforeTheStop(lab, "backup", "--config", lab.configFile().toString());
      assertTrue(r.stdout().contains(link + " -> ../../trust/root_ca.crt")
          && r.stdout().contains("A restore refuses such links"), r.stdout());
    }
  }

  @Test
  void escapeSequencesInAReasonAreNeutralisedInBackupsAndRawInJson() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String reason = "pre\u001b[2J\u001b[H\r\n20991231T000000Z-ffff    forged row\u009b31m\u0007\u202eevil";
      Cli.Run b = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", reason);
      assertEquals(0, b.exitCode(), b.stdout() + b.stderr());

      Cli.Run list = Cli.run("backups", "--config", lab.configFile().toString());
      assertEquals(0, list.exitCode(), list.stderr());
      String out = list.stdout();
      assertEquals(2, out.lines().count(), "the header and one row, no forged one:\n" + out);
      for (char c : new char[] {'\u001b', '\r', '\u009b', '\u0007', '\u202e'}) {
        assertFalse(out.indexOf(c) >= 0, "raw U+" + Integer.toHexString(c) + " in:\n" + out);
      }
      assertTrue(out.contains("pre\\e[2J\\e[H\\r\\n20991231T000000Z-ffff    forged row\\x9b31m\\x07\\u202eevil"), out);

      Cli.Run json = Cli.run("backups", "--config", lab.configFile().toString(), "--json");
      assertEquals(0, json.exitCode(), json.stderr());
      assertEquals(reason, JSON.readTree(json.stdout()).get("backups").get(0).get("reason").asText());
    }
  }

  /** Runs a command preflight must refuse; asserts the CA never stopped and its data is as it was. */
  private static Cli.Run refusedBeforeTheStop(LabCa lab, String... args) throws Exception {
    String pid = Files.readString(lab.dir().resolve("step-ca.pid")).strip();
    String tree = hash(lab.stepPath());
    String store = hash(lab.dir().resolve("backups"));
    Cli.Run r = Cli.run(args);
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stdout().contains("✗ 1. Preflight") && r.stdout().contains("Nothing was stopped"), r.stdout());
    assertFalse(r.stdout().contains("✓ 2. Stop CA"), r.stdout());
    assertEquals(pid, Files.readString(lab.dir().resolve("step-ca.pid")).strip(), "the same step-ca process");
    assertTrue(lab.healthy(), "the CA still answers");
    assertEquals(tree, hash(lab.stepPath()), "the CA's data is untouched");
    assertEquals(store, hash(lab.dir().resolve("backups")), "nothing was stored");
    return r;
  }

  private static Manifest backup(LabCa lab, String reason) throws Exception {
    Cli.Run r = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", reason, "--json");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(lab.healthy());
    return ArchiveReader.verify(Path.of(JSON.readTree(r.stdout()).get("archive").asText())).manifest();
  }

  private static Map<String, String> types(Manifest m) {
    return m.files().stream().collect(Collectors.toMap(Manifest.FileEntry::path, Manifest.FileEntry::type));
  }

  /** Every name, type, link target and content under a directory, without following links. */
  static String hash(Path dir) throws IOException {
    MessageDigest sha = io.stepcarecovery.archive.ArchiveWriter.sha256();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return "absent";
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted().toList()) {
        sha.update(dir.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        if (Files.isSymbolicLink(p)) {
          sha.update(("->" + Files.readSymbolicLink(p)).getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(p)) {
          try (InputStream in = Files.newInputStream(p)) {
            sha.update(in.readAllBytes());
          }
        }
        sha.update((byte) 0);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
