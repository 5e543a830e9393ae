package io.stepcarecovery.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.restore.SandboxExtract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's ca.json: its own port and files, never production's. */
class SandboxCaJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Path caJson(String db) throws Exception {
    Path fs = tmp.resolve("fs");
    Path json = SandboxExtract.mirrored(fs, "/etc/step/config/ca.json");
    Files.createDirectories(json.getParent());
    Files.writeString(json, """
        {"root": "/etc/step/certs/root_ca.crt", "crt": "/etc/step/certs/intermediate_ca.crt",
         "key": "/etc/step/secrets/intermediate_ca_key", "address": ":9000", "insecureAddress": ":80",
         "dnsNames": ["ca.internal"], "db": {"type": "badgerv2", "dataSource": "%s"},
         "templates": {"ssh": {"user": [{"path": "/etc/step/templates/x.tpl"}]}},
         "authority": {"provisioners": [{"name": "admin", "type": "JWK"}]}}
        """.formatted(db));
    return json;
  }

  @Test
  void everyRestoredPathMovesIntoTheSandboxAndTheAddressToItsPort() throws Exception {
    Path json = caJson("/etc/step/db");
    Path fs = tmp.resolve("fs").toRealPath();
    SandboxCaJson.rewrite(json, fs, List.of("/etc/step"), 45678);
    JsonNode n = JSON.readTree(json.toFile());
    assertEquals("127.0.0.1:45678", n.get("address").asText());
    assertFalse(n.has("insecureAddress"));
    assertEquals(fs + "/etc/step/certs/root_ca.crt", n.get("root").asText());
    assertEquals(fs + "/etc/step/secrets/intermediate_ca_key", n.get("key").asText());
    assertEquals(fs + "/etc/step/db", n.get("db").get("dataSource").asText());
    assertEquals(fs + "/etc/step/templates/x.tpl", n.at("/templates/ssh/user/0/path").asText());
    assertTrue(n.get("dnsNames").toString().contains("127.0.0.1"));
    assertTrue(n.get("dnsNames").toString().contains("ca.internal"));
  }

  @Test
  void aDatabaseOutsideWhatTheBackupRestoredIsRefused() throws Exception {
    Path json = caJson("/var/lib/step-ca/db"); // production's: the backup does not hold it
    Path fs = tmp.resolve("fs").toRealPath();
    UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
        () -> SandboxCaJson.rewrite(json, fs, List.of("/etc/step"), 45678));
    assertTrue(e.getMessage().contains("/var/lib/step-ca/db"), e.getMessage());
  }

  @Test
  void everyArchivedPathStaysBelowTheSandbox() {
    Path fs = tmp.resolve("fs");
    // ".." above the root stays at the root: below the sandbox, never beside it
    assertEquals(fs.resolve("etc/passwd"), SandboxExtract.mirrored(fs, "/../../etc/passwd"));
    assertEquals(fs.resolve("etc/step/x"), SandboxExtract.mirrored(fs, "/etc/step/./x"));
    assertThrows(UnsafeArchiveException.class, () -> SandboxExtract.mirrored(fs, "etc/passwd"));
    assertThrows(UnsafeArchiveException.class, () -> SandboxExtract.mirrored(fs, "/"));
  }
}
