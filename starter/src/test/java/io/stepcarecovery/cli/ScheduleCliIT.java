package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code schedule} against services without Schedules, from a shell: a real dev-server process
 * (Temporal's test server, the one fake) and the embedded mode. Each subcommand asks the service,
 * which answers UNIMPLEMENTED; the CLI exits 2 saying so and naming the systemd timers.
 */
class ScheduleCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> NO_ENV_SERVICE = Map.of("TEMPORAL_ADDRESS", "", "STEPCA_RECOVERY_CONFIG", "");
  @TempDir static Path tmp;
  static Process server;
  static String temporal;
  static Path config;

  @BeforeAll
  static void up() throws Exception {
    int port = DevServerIT.freePort();
    temporal = "127.0.0.1:" + port;
    server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
    config = tmp.resolve("config.yaml");
    Files.writeString(config, """
        cas:
          - name: main
            host: localhost
            caConfig: /etc/step-ca/config/ca.json
            url: https://127.0.0.1:9000
            rootCert: /etc/step-ca/certs/root_ca.crt
            service: { type: systemd, unit: step-ca }
            backups: { store: /var/backups/step-ca }
            schedule: { backup: "0 3 * * *", drill: 24h }
        """);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.readString(tmp.resolve("server.log")).contains("listening")) {
      assertTrue(System.currentTimeMillis() < deadline && server.isAlive(), Files.readString(tmp.resolve("server.log")));
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void down() throws Exception {
    DevServerIT.stop(server);
  }

  @Test
  void applyAgainstTheDevServerExits2SayingItHasNoSchedulesAndNamingTheSystemdTimers() throws Exception {
    Cli.Run r = Cli.run(NO_ENV_SERVICE, "schedule", "apply", "--config", config.toString(), "--temporal", temporal);
    assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
    assertEquals("", r.stdout());
    List<String> lines = r.stderr().strip().lines().toList();
    assertEquals(1, lines.size(), "one line, no stack trace: " + r.stderr());
    String line = lines.get(0);
    assertTrue(line.contains("the Temporal service at " + temporal + " has no Temporal Schedules"), line);
    assertTrue(line.contains("UNIMPLEMENTED to CreateSchedule"), "told by the service's answer: " + line);
    assertTrue(line.contains("deploy/systemd/stepca-recovery-backup.timer") && line.contains("stepca-recovery-drill.timer"), line);

    Cli.Run json = Cli.run(NO_ENV_SERVICE, "schedule", "apply", "--config", config.toString(), "--temporal", temporal, "--json");
    assertEquals(2, json.exitCode(), json.stderr());
    JsonNode doc = JSON.readTree(json.stdout());
    assertFalse(doc.get("ok").asBoolean());
    assertEquals(2, doc.get("exitCode").asInt());
    assertTrue(doc.get("error").asText().contains("UNIMPLEMENTED") && doc.get("error").asText().contains("systemd"), json.stdout());
  }

  @Test
  void everyOtherSubcommandAsksTheDevServerAndExits2Too() throws Exception {
    for (List<String> sub : List.of(List.of("list"), List.of("pause", "stepca-recovery-backup-main"),
        List.of("unpause", "stepca-recovery-backup-main"), List.of("trigger", "stepca-recovery-backup-main"),
        List.of("delete", "stepca-recovery-backup-main"))) {
      List<String> args = new java.util.ArrayList<>(List.of("schedule"));
      args.addAll(sub);
      args.addAll(List.of("--temporal", temporal, "--json"));
      Cli.Run r = Cli.run(NO_ENV_SERVICE, args.toArray(String[]::new));
      assertEquals(2, r.exitCode(), sub + ": " + r.stdout() + r.stderr());
      String error = JSON.readTree(r.stdout()).get("error").asText();
      assertTrue(error.contains("has no Temporal Schedules: it answered UNIMPLEMENTED to "
          + (sub.get(0).equals("list") ? "ListSchedules" : sub.get(0).equals("delete") ? "DeleteSchedule" : "PatchSchedule")), sub + ": " + error);
      assertTrue(error.contains("deploy/systemd/"), sub + ": " + error);
    }
  }

  @Test
  void applyInEmbeddedModeExits2SayingTheEmbeddedServiceHasNone() throws Exception {
    Cli.Run r = Cli.run(NO_ENV_SERVICE, "schedule", "apply", "--config", config.toString());
    assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stderr().contains("the embedded Temporal service") && r.stderr().contains("UNIMPLEMENTED to CreateSchedule")
        && r.stderr().contains("deploy/systemd/stepca-recovery-backup.timer"), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
  }

  @Test
  void applyWithoutAnyScheduleInTheConfigSaysHowToAddOneBeforeAskingAnyService() throws Exception {
    Path plain = tmp.resolve("plain.yaml");
    Files.writeString(plain, Files.readString(config).replace("    schedule: { backup: \"0 3 * * *\", drill: 24h }\n", ""));
    int code = execute(new StringWriter(), new StringWriter(), "schedule", "apply", "--config", plain.toString(),
        "--temporal", "127.0.0.1:1");
    assertEquals(2, code, "a config error, not an unreachable service (port 1 has none)");
    StringWriter err = new StringWriter();
    execute(new StringWriter(), err, "schedule", "apply", "--config", plain.toString(), "--temporal", "127.0.0.1:1");
    assertTrue(err.toString().contains("cas[].schedule") && err.toString().contains("schedule delete"), err.toString());
  }

  @Test
  void eachSubcommandHasHelpAndANameIsRequired() {
    for (String sub : List.of("apply", "list", "pause", "unpause", "trigger", "delete")) {
      StringWriter out = new StringWriter();
      assertEquals(0, execute(out, new StringWriter(), "schedule", sub, "--help"), sub);
      assertTrue(out.toString().contains("Usage: stepca-recovery schedule " + sub), out.toString());
    }
    StringWriter out = new StringWriter();
    assertEquals(0, execute(out, new StringWriter(), "schedule", "--help"));
    assertTrue(out.toString().contains("deploy/systemd/stepca-recovery-backup.timer"), out.toString());
    StringWriter err = new StringWriter();
    assertEquals(2, execute(new StringWriter(), err, "schedule"), "no subcommand: usage");
    assertTrue(err.toString().contains("name a subcommand: apply, list, pause, unpause, trigger, delete"), err.toString());
    assertEquals(2, execute(new StringWriter(), new StringWriter(), "schedule", "pause"), "no schedule id: usage");
    assertEquals(2, execute(new StringWriter(), new StringWriter(), "schedule", "snooze"), "unknown subcommand: usage");
  }

  private static int execute(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }
}
