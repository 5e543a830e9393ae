package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.checklist.Diagnoses;
import io.stepcarecovery.lab.LabCa;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore drills from a shell (embedded mode) against a real lab CA: the sandbox step-ca is the
 * lab's own binary, started on a copy of the backup; the production CA must be left exactly as
 * it was (same pid, same bytes in its data directory).
 */
@Tag("lab")
class DrillCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static String backupId;

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.up(tmp.resolve("lab"));
    Cli.Run b = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", "drill test", "--json");
    assertEquals(0, b.exitCode(), b.stderr());
    backupId = JSON.readTree(b.stdout()).get("backupId").asText();
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  private static Path drills() {
    return lab.dir().resolve("drills");
  }

  @Test
  void drillPassesWithProductionUntouchedAndShowsInBackups() throws Exception {
    String pidBefore = lab.ctl("status").strip();
    String hashBefore = treeHash(lab.stepPath());

    Cli.Run r = Cli.run("drill", "--config", lab.configFile().toString(), "--backup", backupId, "--json");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertTrue(doc.get("ok").asBoolean(), r.stdout());
    assertEquals(backupId, doc.get("backupId").asText());
    long rto = doc.get("rtoMillis").asLong();
    long issuance = doc.get("issuanceMillis").asLong();
    assertTrue(rto > 0 && issuance >= rto, r.stdout());
    List<String> passed = JSON.convertValue(doc.get("checklist"), List.class).stream()
        .map(i -> ((java.util.Map<?, ?>) i).get("item") + "=" + ((java.util.Map<?, ?>) i).get("status")).toList();
    for (String item : List.of("Step-CA running", "Root fingerprint as recorded", "Intermediate CA valid",
        "Certificate issuance functional", "ACME endpoint reachable")) {
      assertTrue(passed.contains(item + "=passed"), item + " in " + passed);
    }

    // The production CA: the same process, not one byte of its data changed.
    assertEquals(pidBefore, lab.ctl("status").strip());
    assertEquals(hashBefore, treeHash(lab.stepPath()));
    assertTrue(lab.healthy());
    // The sandbox is gone.
    assertEquals(List.of(), list(drills()));

    Cli.Run list = Cli.run("backups", "--config", lab.configFile().toString(), "--json");
    assertEquals(0, list.exitCode(), list.stderr());
    JsonNode drilled = null;
    for (JsonNode b : JSON.readTree(list.stdout()).get("backups")) {
      if (b.get("backupId").asText().equals(backupId)) {
        drilled = b.get("lastDrill");
      }
    }
    assertTrue(drilled != null && drilled.get("ok").asBoolean(), list.stdout());
    assertEquals(rto, drilled.get("rtoMillis").asLong());
    Cli.Run text = Cli.run("backups", "--config", lab.configFile().toString());
    assertTrue(text.stdout().contains("ok, RTO " + rto + " ms"), text.stdout());
  }

  @Test
  void backupWhoseKeyTheConfiguredPasswordNoLongerOpensFailsWithThatDiagnosis() throws Exception {
    // The backup was made with the CA's password; the drill is configured with another one.
    Path wrong = tmp.resolve("other.pass");
    Files.writeString(wrong, "not-the-password-of-this-backup");
    Path config = tmp.resolve("wrong-password.yaml");
    String yaml = Files.readString(lab.configFile());
    String pass = lab.dir().resolve("pass/ca.pass").toString();
    assertTrue(yaml.contains("passwordFile: " + pass), yaml);
    Files.writeString(config, yaml.replace("passwordFile: " + pass, "passwordFile: " + wrong));
    String pidBefore = lab.ctl("status").strip();

    Cli.Run r = Cli.run("drill", "--config", config.toString(), "--backup", backupId, "--json");
    assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertFalse(doc.get("ok").asBoolean());
    assertEquals(-1, doc.get("rtoMillis").asLong());
    String expected = Diagnoses.wrongCaPasswordFile().diagnosis();
    boolean diagnosed = false;
    for (JsonNode item : doc.get("checklist")) {
      diagnosed |= item.get("item").asText().equals("Step-CA running") && item.get("status").asText().equals("failed")
          && expected.equals(item.get("diagnosis").asText());
    }
    assertTrue(diagnosed, "expected '" + expected + "' in " + r.stdout());
    assertEquals(pidBefore, lab.ctl("status").strip());
    assertEquals(List.of(), list(drills()));
  }

  @Test
  void drillKilledMidWayLeavesNothingAfterTheNextRun() throws Exception {
    // A drill whose whole process (embedded service and worker) is killed -9 once its sandbox runs.
    Path out = tmp.resolve("killed.out");
    Process p = new ProcessBuilder(LabCa.repo().resolve("stepca-recovery").toString(), "drill", "--config",
        lab.configFile().toString(), "--backup", backupId)
        .redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    JsonNode marker = null;
    for (int i = 0; i < 1200 && marker == null; i++) {
      marker = runningMarker();
      if (marker == null) {
        assertTrue(p.isAlive(), "the drill ended before its sandbox started:\n" + Files.readString(out));
        Thread.sleep(100);
      }
    }
    assertTrue(marker != null, "no sandbox started:\n" + Files.readString(out));
    new ProcessBuilder("kill", "-9", String.valueOf(p.pid())).start().waitFor();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    long sandboxPid = marker.get("pid").asLong();
    int port = marker.get("port").asInt();
    String drillId = marker.get("drillId").asText();
    assertTrue(ProcessHandle.of(sandboxPid).map(ProcessHandle::isAlive).orElse(false),
        "the kill should leave the sandbox step-ca behind (that is what the next drill must clean)");

    Cli.Run next = Cli.run("drill", "--config", lab.configFile().toString(), "--backup", backupId, "--json");
    assertEquals(0, next.exitCode(), next.stdout() + next.stderr());

    for (int i = 0; i < 50 && ProcessHandle.of(sandboxPid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100); // reaped by init
    }
    assertFalse(alive(sandboxPid), "sandbox step-ca " + sandboxPid + " still runs");
    assertTrue(portFree(port), "port " + port + " still taken");
    assertFalse(Files.exists(drills().resolve(drillId)));
    assertEquals(List.of(), list(drills()));
    assertTrue(lab.healthy());
  }

  /** The marker of a sandbox whose step-ca answers already, or null. */
  private static JsonNode runningMarker() throws Exception {
    for (Path m : list(drills())) {
      if (m.getFileName().toString().endsWith(".marker.json")) {
        try {
          JsonNode n = JSON.readTree(Files.readString(m));
          if (n.hasNonNull("pid") && !portFree(n.get("port").asInt())) {
            return n;
          }
        } catch (java.io.IOException partial) {
          // being replaced
        }
      }
    }
    return null;
  }

  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException gone) {
      return false;
    }
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException taken) {
      return false;
    }
  }

  private static List<Path> list(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** Every path, type and byte under a directory, in one SHA-256. */
  static String treeHash(Path root) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        md.update(root.relativize(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          md.update(Files.readAllBytes(p));
        }
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
