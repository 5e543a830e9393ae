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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance as a new user would try it: `backup --json` on lab/up --db mysql while issuing. */
@Tag("lab")
class MysqlBackupCliIT {
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
  void backupJsonIsOnlineWithNoDowntimeWhileIssuingAndNeverShowsThePassword() throws Exception {
    String password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();
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
    // the run records the CLI leaves on the host (summaries, results) hold no password either
    try (Stream<Path> files = Files.walk(lab.dir().resolve("run"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f).contains(password), f + " holds the database password");
      }
    }

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
}
