package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Issue 17's acceptance as a new user would try it, from a shell (embedded mode), on one
 * {@code lab/up --db mysql}: {@code backup --json} while certificates are issued (online, no
 * downtime, same CA process); a drill of that backup in a throwaway database on the lab's MariaDB
 * (dropped with the sandbox, a killed drill's too, named by its marker); after {@code DROP
 * DATABASE}, {@code recover} brings issuance back. The database password is in no output and no run
 * record. In that order (the last drops the database); each takes its own backup.
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MysqlCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static String password;

  @BeforeAll
  static void up() throws IOException {
    lab = LabCa.upMysql(tmp.resolve("lab"));
    password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  @Test
  @Order(1)
  void backupJsonIsOnlineWithNoDowntimeWhileIssuingAndNeverShowsThePassword() throws Exception {
    String pid = lab.ctl("status").strip();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger issued = new AtomicInteger();
    Thread issuer = new Thread(() -> {
      for (int i = 0; !stop.get(); i++) {
        LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
            "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
            "--password-file", lab.env("PROVISIONER_PASSWORD_FILE"), "cli-" + i + ".test.internal",
            tmp.resolve("c.crt").toString(), tmp.resolve("c.key").toString()), 60);
        issued.incrementAndGet();
      }
    });
    issuer.start();
    Cli.Run json;
    Cli.Run text;
    int before;
    try {
      before = issued.get();
      json = Cli.run("backup", "--config", lab.configFile().toString(), "--ca", "lab", "--reason", "online", "--json");
      text = Cli.run("backup", "--config", lab.configFile().toString(), "--ca", "lab", "--reason", "online text");
    } finally {
      stop.set(true);
      issuer.join(60_000);
    }
    assertEquals(0, json.exitCode(), json.stderr());
    JsonNode doc = JSON.readTree(json.stdout());
    assertEquals("mysql", doc.get("dbType").asText());
    assertEquals(0, doc.get("caDowntimeMillis").asLong());
    assertTrue(doc.get("online").asBoolean(), json.stdout());
    assertTrue(doc.get("verified").asBoolean(), json.stdout());
    assertTrue(issued.get() > before, "certificates were issued while the backups ran");
    assertEquals(0, text.exitCode(), text.stderr());
    assertTrue(text.stdout().contains("CA down    no (online backup"), text.stdout());
    assertEquals(pid, lab.ctl("status").strip(), "the CA process is the same one");
    assertTrue(lab.healthy());

    for (Cli.Run r : List.of(json, text)) {
      assertFalse(r.stdout().contains(password) || r.stderr().contains(password), "the CLI printed the password");
    }
    assertNoPasswordInRunRecords();

    // `backups` shows what makes it an online backup: dbType and the dump member with its size
    Cli.Run listed = Cli.run("backups", "--config", lab.configFile().toString(), "--ca", "lab", "--json");
    assertEquals(0, listed.exitCode(), listed.stderr());
    JsonNode newest = JSON.readTree(listed.stdout()).get("backups").get(0);
    assertEquals("mysql", newest.get("dbType").asText());
    String member = lab.stepPath().toString().substring(1) + "/.stepca-recovery/db/stepca.sql";
    assertEquals(member, newest.get("dump").get("member").asText(), listed.stdout());
    assertTrue(newest.get("dump").get("sizeBytes").asLong() > 1000, listed.stdout());
    Cli.Run table = Cli.run("backups", "--config", lab.configFile().toString(), "--ca", "lab");
    assertTrue(table.stdout().contains("online mysql backup (CA kept running): database dump " + member + ", "
        + newest.get("dump").get("sizeBytes").asLong() + " bytes"), table.stdout());
  }

  @Test
  @Order(2)
  void drillOfAMysqlBackupIssuesFromAThrowawayDatabaseAndLeavesNoDatabaseBehind() throws Exception {
    Cli.Run b = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", "drill", "--json");
    assertEquals(0, b.exitCode(), b.stderr());
    String backupId = JSON.readTree(b.stdout()).get("backupId").asText();
    String databasesBefore = databases();
    String certsBefore = lab.sql("SELECT COUNT(*) FROM stepca.x509_certs").strip();
    // A drill killed mid-way (its worker gone) left its marker and its database.
    String killed = "drill-20200101T000000Z-deadbeef";
    String killedDb = "stepca_drill_20200101t000000z_deadbeef";
    Path drills = lab.dir().resolve("drills");
    Files.createDirectories(drills);
    Files.writeString(drills.resolve(killed + ".marker.json"), JSON.writeValueAsString(Map.of(
        "drillId", killed, "ca", "lab", "backend", "command", "port", 1, "workerPid", 999_999_999L,
        "workerStart", "0", "database", killedDb)));
    lab.sql("CREATE DATABASE " + killedDb);

    long t0 = System.nanoTime();
    Cli.Run r = Cli.run("drill", "--config", lab.configFile().toString(), "--backup", backupId, "--json");
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertTrue(doc.get("ok").asBoolean(), r.stdout());
    List<String> passed = JSON.convertValue(doc.get("checklist"), List.class).stream()
        .map(i -> ((Map<?, ?>) i).get("item") + "=" + ((Map<?, ?>) i).get("status")).toList();
    for (String item : List.of("Step-CA running", "Certificate issuance functional", "ACME endpoint reachable")) {
      assertTrue(passed.contains(item + "=passed"), item + " in " + passed);
    }
    assertEquals(databasesBefore, databases(), "the drill's database and the killed drill's are dropped");
    assertEquals(certsBefore, lab.sql("SELECT COUNT(*) FROM stepca.x509_certs").strip(),
        "the sandbox issued into its own database, not production's");
    assertFalse(Files.exists(drills.resolve(killed + ".marker.json")), "the killed drill's marker is removed");
    assertTrue(lab.healthy());
    assertFalse(r.stdout().contains(password) || r.stderr().contains(password), "the drill printed the password");
    System.out.printf("MySQL drill: %d ms end to end (rto %d ms)%n", ms, doc.get("rtoMillis").asLong());
  }

  private static String databases() {
    return lab.sql("SHOW DATABASES").strip();
  }

  @Test
  @Order(3)
  void recoverAfterDropDatabaseIssuesAgainAndNeverShowsThePassword() throws Exception {
    Cli.Run b = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", "before the outage", "--json");
    assertEquals(0, b.exitCode(), b.stderr());
    lab.sql("DROP DATABASE stepca");

    long t0 = System.nanoTime();
    Cli.Run r = Cli.run("recover", "--config", lab.configFile().toString(), "--ca", "lab", "--yes", "--json");
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertTrue(doc.get("ok").asBoolean(), r.stdout());
    List<String> items = JSON.convertValue(doc.get("checklist"), List.class).stream()
        .map(i -> ((Map<?, ?>) i).get("item") + "=" + ((Map<?, ?>) i).get("status")).toList();
    assertTrue(items.contains("Certificate issuance functional=passed"), items.toString());
    assertTrue(Long.parseLong(lab.sql("SELECT COUNT(*) FROM stepca.x509_certs").strip()) > 0, "issued into stepca again");
    assertFalse(r.stdout().contains(password) || r.stderr().contains(password), "the CLI printed the password");
    assertNoPasswordInRunRecords();
    System.out.printf("MySQL recover (CLI) after DROP DATABASE: %d ms, CA down %d ms%n", ms,
        doc.get("caDowntimeMillis").asLong());
  }

  /** The run records the CLI leaves on the host (summaries, results) hold no password either. */
  private static void assertNoPasswordInRunRecords() throws IOException {
    try (Stream<Path> files = Files.walk(lab.dir().resolve("run"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f).contains(password), f + " holds the database password");
      }
    }
  }
}
