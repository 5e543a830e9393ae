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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issue's acceptance as a new user would try it: after DROP DATABASE, `recover` brings issuance back. */
@Tag("lab")
class MysqlRecoverCliIT {
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
  void recoverAfterDropDatabaseIssuesAgainAndNeverShowsThePassword() throws Exception {
    String password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();
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
        .map(i -> ((java.util.Map<?, ?>) i).get("item") + "=" + ((java.util.Map<?, ?>) i).get("status")).toList();
    assertTrue(items.contains("Certificate issuance functional=passed"), items.toString());
    assertTrue(Long.parseLong(lab.sql("SELECT COUNT(*) FROM stepca.x509_certs").strip()) > 0, "issued into stepca again");
    assertFalse(r.stdout().contains(password) || r.stderr().contains(password), "the CLI printed the password");
    try (Stream<Path> files = Files.walk(lab.dir().resolve("run"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f).contains(password), f + " holds the database password");
      }
    }
    System.out.printf("MySQL recover (CLI) after DROP DATABASE: %d ms, CA down %d ms%n", ms,
        doc.get("caDowntimeMillis").asLong());
  }
}
