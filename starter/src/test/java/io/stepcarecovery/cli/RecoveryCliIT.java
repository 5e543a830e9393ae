package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3's acceptance, from a shell: backup, outage, recover, verify — embedded mode. */
@Tag("lab")
class RecoveryCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void outageRecoveredFromTheCliWithEveryChecklistItemPassed() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config, "--ca", "lab").exitCode());
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);

      Cli.Run r = Cli.run("recover", "--config", config, "--ca", "lab", "--backup", "latest", "--yes", "--json");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      JsonNode doc = JSON.readTree(r.stdout());
      assertTrue(doc.get("ok").asBoolean());
      assertEquals(9, doc.get("checklist").size(), r.stdout());
      for (JsonNode item : doc.get("checklist")) {
        assertEquals("passed", item.get("status").asText(), item.toString());
        assertTrue(item.has("group") && item.has("item") && item.has("detail") && item.has("diagnosis")
            && item.has("action"), item.toString());
      }

      // the recovery checklist's TLS countdown: the served certificate's expiry, also for scripts
      String service = java.net.URI.create(lab.appUrl()).getHost() + ":" + java.net.URI.create(lab.appUrl()).getPort();
      JsonNode first = doc.get("countdown").get("services").get(0);
      assertEquals(service, first.get("service").asText(), doc.get("countdown").toString());
      assertTrue(first.get("secondsLeft").asLong() > 0 && first.hasNonNull("expiresAt"), first.toString());

      Cli.Run verify = Cli.run("verify", "--config", config, "--ca", "lab");
      assertEquals(0, verify.exitCode(), verify.stdout() + verify.stderr());
      assertTrue(verify.stdout().matches("(?s).*\nService certificates:\n  " + java.util.regex.Pattern.quote(service)
          + " expires in \\d+ h \\d+ min \\(20[^)]*Z\\)\n.*"), verify.stdout());
      for (String group : List.of("Service Status", "Trust", "Platform")) {
        assertTrue(verify.stdout().contains(group + "\n"), verify.stdout());
      }
      assertTrue(verify.stdout().contains("✓ Certificate issuance functional"), verify.stdout());
      assertTrue(verify.stdout().contains("All 9 checks passed."), verify.stdout());

      // The CA stopped by hand: verify fails (exit 1) and says what to do.
      lab.ctl("stop");
      Cli.Run down = Cli.run("verify", "--config", config, "--ca", "lab");
      assertEquals(1, down.exitCode(), down.stdout());
      assertTrue(down.stdout().contains("✗ Step-CA running") && down.stdout().contains("action:"), down.stdout());
      // the TLS countdown comes first: how long until the platform breaks
      assertTrue(down.stdout().startsWith("TLS COUNTDOWN: the CA is down, so no service can renew its certificate."
          + " First to break: " + service + " expires in "), down.stdout());
    }
  }

  @Test
  void restoreWithoutYesAndWithoutATerminalRefusesBeforeStarting() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab2"))) {
      Cli.Run r = Cli.run("restore", "--config", lab.configFile().toString());
      assertEquals(2, r.exitCode());
      assertTrue(r.stderr().contains("--yes"), r.stderr());
      assertTrue(lab.healthy());
    }
  }
}
