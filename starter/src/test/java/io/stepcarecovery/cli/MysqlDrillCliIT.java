package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill of a MySQL CA's online backup from a shell (embedded mode), on lab/up --db mysql: the dump
 * goes into a throwaway database on the lab's MariaDB, the sandbox step-ca runs on it and issues,
 * and the database is dropped with the sandbox (a killed drill's too, named by its marker).
 */
@Tag("lab")
class MysqlDrillCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;

  @BeforeAll
  static void up() {
    lab = LabCa.upMysql(tmp.resolve("lab"));
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  @Test
  void drillOfAMysqlBackupIssuesFromAThrowawayDatabaseAndLeavesNoDatabaseBehind() throws Exception {
    String password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();
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
}
