package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restic copy from a shell, on lab/up --offsite (the local store plus SFTP, S3 and restic
 * copies): backups land verified in the restic repository; forget --dry-run shows each store's
 * share; with the CA's data and its local store destroyed, recover --from the restic repository
 * passes the checklist.
 */
@Tag("lab")
class ResticCopyCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void backupsLandInResticForgetShowsEachStoreAndRecoverFromResticPassesTheChecklist() throws Exception {
    try (LabCa lab = LabCa.upOffsite(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      String repo = lab.env("RESTIC_REPO");
      assertNotNull(repo, "lab/up --offsite names its restic repository");
      String uri = "restic:" + repo;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Cli.Run b = Cli.run("backup", "--config", config, "--ca", "lab", "--reason", "restic " + i, "--json");
        assertEquals(0, b.exitCode(), b.stdout() + b.stderr());
        JsonNode doc = JSON.readTree(b.stdout());
        ids.add(doc.get("backupId").asText());
        JsonNode restic = null;
        for (JsonNode c : doc.get("copies")) {
          assertTrue(c.get("verified").asBoolean(), c.toString());
          if (c.get("uri").asText().equals(uri)) {
            restic = c;
          }
        }
        assertNotNull(restic, "the restic copy is reported: " + doc.get("copies"));
        assertTrue(restic.get("snapshot").asText().matches("[0-9a-f]{64}"), restic.toString());
      }

      Cli.Run dry = Cli.run("forget", "--config", config, "--ca", "lab", "--keep", "1", "--dry-run", "--json");
      assertEquals(0, dry.exitCode(), dry.stdout() + dry.stderr());
      JsonNode stores = JSON.readTree(dry.stdout()).get("stores");
      assertEquals(4, stores.size(), "the local store and three copies: " + stores);
      for (JsonNode s : stores) {
        assertEquals(List.of(ids.get(0)), texts(s.get("wouldDelete")), s.toString());
        assertEquals(List.of(ids.get(1)), texts(s.get("kept")), s.toString());
      }
      assertTrue(stores.toString().contains(uri), stores.toString());
      Cli.Run text = Cli.run("forget", "--config", config, "--ca", "lab", "--keep", "1", "--dry-run");
      assertTrue(text.stdout().contains(uri + " (keep 1):\n  would delete " + ids.get(0)), text.stdout());

      // The disaster: the CA's data and its local store are gone.
      lab.killCa();
      LabCa.run(List.of("rm", "-rf", lab.stepPath().toString(), lab.dir().resolve("backups").toString()), 30);

      Cli.Run r = Cli.run("recover", "--config", config, "--ca", "lab", "--backup", "latest", "--from", uri,
          "--yes", "--json");
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      JsonNode doc = JSON.readTree(r.stdout());
      assertTrue(doc.get("ok").asBoolean(), r.stdout());
      assertEquals(9, doc.get("checklist").size(), r.stdout());
      for (JsonNode item : doc.get("checklist")) {
        assertEquals("passed", item.get("status").asText(), item.toString());
      }
      assertTrue(r.stdout().contains(uri), "says which store it used: " + r.stdout());
      assertTrue(lab.healthy(), "the CA runs again");
      assertFalse(Files.exists(lab.dir().resolve("backups/lab/.work/fetch-" + ids.get(1))), "no fetch leftovers");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
