package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-host copies from a shell, on lab/up --offsite: a real OpenSSH sshd and s3proxy on loopback.
 * The restic copy is left out of this config: it is the restic copy's own tests' subject.
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OffsiteCopiesCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static String config;
  static String sftpUri;
  static String s3Uri;

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.upOffsite(tmp.resolve("lab"));
    Path copies = lab.dir().resolve("copies.yaml");
    Files.writeString(copies, Files.readAllLines(lab.configFile()).stream()
        .filter(l -> !l.contains("- restic:")).collect(Collectors.joining("\n", "", "\n")));
    config = copies.toString();
    sftpUri = "sftp://" + lab.env("SFTP_USER") + "@127.0.0.1:" + lab.env("SFTP_PORT") + lab.env("SFTP_PATH");
    s3Uri = "s3+" + lab.env("S3_ENDPOINT") + "/" + lab.env("S3_BUCKET") + "/backups";
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  static Path sftpCopy(String id) {
    return Path.of(lab.env("SFTP_PATH"), "lab", id + ".tar.gz");
  }

  static Path s3Copy(String id) {
    return Path.of(lab.env("S3_DATA"), lab.env("S3_BUCKET"), "backups", "lab", id + ".tar.gz");
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  static JsonNode copy(JsonNode result, String uri) {
    for (JsonNode c : result.get("copies")) {
      if (c.get("uri").asText().equals(uri)) {
        return c;
      }
    }
    throw new AssertionError("no copy " + uri + " in " + result);
  }

  static List<String> storesOf(String id) throws Exception {
    Cli.Run r = Cli.run("backups", "--config", config, "--json");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    for (JsonNode b : JSON.readTree(r.stdout()).get("backups")) {
      if (b.get("backupId").asText().equals(id)) {
        List<String> stores = new ArrayList<>();
        b.get("stores").forEach(s -> stores.add(s.asText()));
        return stores;
      }
    }
    return List.of();
  }

  static String id;

  @Test
  @Order(1)
  void aBackupLandsVerifiedInEveryStore() throws Exception {
    Cli.Run r = Cli.run("backup", "--config", config, "--reason", "offsite", "--json");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertTrue(doc.get("ok").asBoolean() && doc.get("verified").asBoolean(), r.stdout());
    id = doc.get("backupId").asText();
    String sha = doc.get("sha256").asText();
    assertEquals(2, doc.get("copies").size(), r.stdout());
    for (String uri : List.of(sftpUri, s3Uri)) {
      JsonNode c = copy(doc, uri);
      assertTrue(c.get("verified").asBoolean(), c.toString());
      assertTrue(c.get("error").isNull(), c.toString());
      assertEquals(sha, c.get("sha256").asText(), "read back byte for byte: " + c);
    }
    // the bytes on each server's disk are the local archive's
    assertEquals(sha, sha256(sftpCopy(id)));
    assertEquals(sha, sha256(s3Copy(id)));
    assertEquals(List.of("local", sftpUri, s3Uri), storesOf(id));
    Cli.Run table = Cli.run("backups", "--config", config);
    assertTrue(table.stdout().contains("STORES") && table.stdout().contains("local " + sftpUri + " " + s3Uri),
        table.stdout());
  }

  @Test
  @Order(2)
  void aFlippedByteInAnOffHostCopyIsNamedByCheckReadData() throws Exception {
    for (Path copy : List.of(sftpCopy(id), s3Copy(id))) {
      String uri = copy.equals(sftpCopy(id)) ? sftpUri : s3Uri;
      flip(copy, 100);
      try {
        Cli.Run r = Cli.run("check", "--config", config, "--read-data", "--json");
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        List<String> failed = new ArrayList<>();
        for (JsonNode b : JSON.readTree(r.stdout()).get("backups")) {
          if (!b.get("ok").asBoolean()) {
            failed.add(b.get("store").asText());
            assertTrue(b.get("problem").asText().contains("corrupt"), b.toString());
          }
        }
        assertEquals(List.of(uri), failed, "only the flipped copy fails, and it is named: " + r.stdout());
        Cli.Run text = Cli.run("check", "--config", config, "--read-data");
        assertTrue(text.stdout().contains("FAILED  " + id + " at " + uri), text.stdout());
        assertTrue(text.stderr().contains(id + " at " + uri), text.stderr());
      } finally {
        flip(copy, 100);
      }
    }
    assertEquals(0, Cli.run("check", "--config", config, "--read-data").exitCode(), "all sound again");
  }

  @Test
  @Order(3)
  void theSftpServerKilledMidUploadFailsThatCopyOnlyAndTheNextBackupIsFine() throws Exception {
    // a bigger CA (incompressible) so that the upload takes long enough to be cut
    Path big = lab.stepPath().resolve("big.bin");
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(7);
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 96; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    Path sftpDir = Path.of(lab.env("SFTP_PATH"), "lab");
    CompletableFuture<Cli.Run> backup = CompletableFuture.supplyAsync(() -> {
      try {
        return Cli.run("backup", "--config", config, "--reason", "cut", "--json");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    boolean killed = false;
    for (int i = 0; i < 6000 && !backup.isDone() && !killed; i++) {
      try (Stream<Path> files = Files.list(sftpDir)) {
        if (files.anyMatch(p -> p.getFileName().toString().matches("\\..*\\.tar\\.gz\\.part") && size(p) > (4 << 20))) {
          kill("sshd.pid"); // the listener and the session serving the upload
          killed = true;
        }
      }
      Thread.sleep(20);
    }
    assertTrue(killed, "the SFTP upload was seen in progress and cut");
    Cli.Run r = backup.get();
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    String cut = doc.get("backupId").asText();
    assertFalse(doc.get("verified").asBoolean());
    JsonNode failed = copy(doc, sftpUri);
    assertFalse(failed.get("verified").asBoolean());
    assertNotNull(failed.get("error").textValue(), failed.toString());
    assertTrue(copy(doc, s3Uri).get("verified").asBoolean(), "the other copy stays: " + doc);
    assertTrue(r.stderr().contains(sftpUri), "says which copy failed: " + r.stderr());
    assertTrue(lab.healthy(), "the CA runs");

    LabCa.run(List.of(LabCa.repo().resolve("lab/offsite-ctl").toString(), lab.dir().toString(), "start"), 60);
    assertEquals(List.of("local", s3Uri), storesOf(cut), "the cut upload does not list in the SFTP store");
    assertFalse(Files.exists(sftpDir.resolve(cut + ".json")));

    Files.delete(big);
    Cli.Run next = Cli.run("backup", "--config", config, "--reason", "after the cut", "--json");
    assertEquals(0, next.exitCode(), next.stdout() + next.stderr());
    JsonNode nextDoc = JSON.readTree(next.stdout());
    for (JsonNode c : nextDoc.get("copies")) {
      assertTrue(c.get("verified").asBoolean(), c.toString());
    }
    id = nextDoc.get("backupId").asText();
  }

  @Test
  @Order(4)
  void withTheLocalStoreAndTheCaDataGoneRecoverFromTheFirstCopyThenFromS3ByName() throws Exception {
    for (String from : new String[] {null, s3Uri}) {
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString(), lab.dir().resolve("backups/lab").toString()), 30);
      List<String> args = new ArrayList<>(List.of("recover", "--config", config, "--yes", "--json"));
      if (from != null) {
        args.addAll(List.of("--from", from));
      }
      Cli.Run r = Cli.run(args.toArray(String[]::new));
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      JsonNode doc = JSON.readTree(r.stdout());
      assertTrue(doc.get("ok").asBoolean(), r.stdout());
      assertEquals(id, doc.get("backupId").asText(), "the latest backup");
      assertEquals(from == null ? sftpUri : s3Uri, doc.get("source").asText(),
          "the first store holding it (the local one is gone), or the one named");
      assertEquals(9, doc.get("checklist").size(), r.stdout());
      for (JsonNode item : doc.get("checklist")) {
        assertEquals("passed", item.get("status").asText(), item.toString());
      }
      assertTrue(lab.healthy());
      // the fetched backup is in the local store again
      assertEquals(List.of("local", sftpUri, s3Uri), storesOf(id));
    }
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0; // renamed away meanwhile
    }
  }

  static void flip(Path file, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  static void kill(String pidFile) throws Exception {
    long pid = Long.parseLong(Files.readString(lab.dir().resolve("offsite").resolve(pidFile)).trim());
    ProcessHandle.of(pid).ifPresent(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.onExit().join();
    });
  }
}
