package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As a new user would, on the real lab and without any Temporal service for overview itself: after
 * a backup, {@code overview} exits 0 and shows the CA up with the backup; with the CA stopped
 * ({@code lab/ca-ctl DIR stop}) it exits 1, names the CA down and shows the earliest service
 * certificate's expiry, and with the countdown threshold past that expiry it raises the TLS countdown.
 */
@Tag("lab")
class OverviewCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void upAndBackedUpIsFine_stoppedIsAlertingWithTheCountdown() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      URI app = URI.create(lab.appUrl());
      String service = app.getHost() + ":" + app.getPort();
      Cli.Run backup = Cli.run("backup", "--config", config, "--reason", "overview test");
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());

      Cli.Run fine = Cli.run("overview", "--config", config);
      assertEquals(0, fine.exitCode(), fine.stdout() + fine.stderr());
      String row = fine.stdout().lines().filter(l -> l.startsWith("lab ")).findFirst().orElse("");
      assertTrue(row.matches("lab +up +[0-9]+ (s|min) ago: local +never +expires in \\d+ d \\d+ h +"
          + java.util.regex.Pattern.quote(service) + " expires in \\d+ h \\d+ min"), fine.stdout());
      assertTrue(fine.stdout().endsWith("Nothing alerting on 1 CA.\n"), fine.stdout());

      JsonNode ok = JSON.readTree(Cli.run("overview", "--config", config, "--json").stdout());
      assertTrue(ok.get("ok").asBoolean(), ok.toString());
      JsonNode ca = ok.get("cas").get(0);
      assertEquals("local", ca.get("lastBackup").get("stores").get(0).asText());
      assertEquals("its TLS endpoint", ca.get("intermediate").get("source").asText());
      assertTrue(ca.get("earliestService").get("secondsLeft").asLong() > 0, ca.toString());

      lab.ctl("stop");
      assertFalse(lab.healthy());
      Cli.Run down = Cli.run("overview", "--config", config);
      assertEquals(1, down.exitCode(), down.stdout() + down.stderr());
      assertTrue(down.stdout().contains("\n  ! CA lab is DOWN: GET " + lab.caUrl()), down.stdout());
      assertTrue(down.stdout().lines().anyMatch(l -> l.matches("lab +DOWN .*" + java.util.regex.Pattern.quote(service)
          + " expires in \\d+ h \\d+ min")), "the earliest certificate's expiry, read while the CA is down: "
          + down.stdout());
      assertTrue(down.stdout().endsWith("1 of 1 CA ALERTING (1 alert).\n"), down.stdout());

      // the lab's leaves are step-ca's 24 h ones: past the default 12 h countdown only with a longer one
      Path longer = tmp.resolve("countdown.yaml");
      Files.writeString(longer, "alerts: { tlsCountdown: 30h }\n" + Files.readString(lab.configFile()));
      Cli.Run page = Cli.run("overview", "--config", longer.toString(), "--json");
      assertEquals(1, page.exitCode(), page.stdout() + page.stderr());
      JsonNode alerts = JSON.readTree(page.stdout()).get("cas").get(0).get("alerts");
      assertEquals("StepcaCaDown", alerts.get(0).get("rule").asText(), alerts.toString());
      assertEquals("StepcaTlsCountdown", alerts.get(1).get("rule").asText(), alerts.toString());
      assertTrue(alerts.get(1).get("text").asText().startsWith("CA lab is down and the earliest service certificate, "
          + service + " expires in "), alerts.toString());
    }
  }
}
