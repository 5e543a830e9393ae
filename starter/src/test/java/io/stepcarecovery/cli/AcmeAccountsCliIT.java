package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the incident commander reads after {@code recover} when the ingress's ACME account was
 * registered after the backup: the account, what the CA said, that it was cleared and where the
 * old acme.json is.
 */
@Tag("lab")
class AcmeAccountsCliIT {
  @TempDir Path tmp;

  @Test
  void theRecoverysTextNamesTheStaleAccountItCleared() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      // The lab's nginx as Traefik with an ACME resolver (lab/app-ctl --acme, acme.json).
      String dir = lab.dir().toString();
      Path config = lab.configFile();
      String yaml = Files.readString(config);
      String line = yaml.lines().filter(l -> l.contains("app-ctl " + dir + " start")).findFirst().orElseThrow();
      Files.writeString(config, yaml.replace(line, line.replace("app-ctl " + dir, "app-ctl --acme " + dir)
          + "\n    acmeJson: " + dir + "/app/acme.json"));

      assertEquals(0, Cli.run("backup", "--config", config.toString(), "--ca", "lab").exitCode());
      // After the backup the ingress registers (lego), as Traefik does at its first certificate.
      LabCa.run(List.of(LabCa.repo().resolve("lab/app-ctl").toString(), "--acme", dir, "restart"), 120);
      String acmeJson = Files.readString(lab.dir().resolve("app/acme.json"));
      assertTrue(acmeJson.contains("\"uri\""), acmeJson.length() + " bytes, no account");
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);

      Cli.Run r = Cli.run("recover", "--config", config.toString(), "--ca", "lab", "--backup", "latest", "--yes");

      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertTrue(r.stdout().contains("ACME accounts of the ingress:\n  nginx/lab (ingress@lab.test): STALE — "), r.stdout());
      assertTrue(r.stdout().contains("accountDoesNotExist"), r.stdout());
      assertTrue(r.stdout().contains("account cleared (acme.json as it was: " + dir + "/app/acme.json.pre-recovery-"),
          r.stdout());
      assertTrue(r.stdout().contains("renewed with the new account when due"), r.stdout());
    }
  }
}
