package io.stepcarecovery.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recover --clear-acme-account} on real files: Traefik's acme.json is rewritten without
 * following a link planted beside it, readable by its owner only from the first byte.
 */
class ClearAcmeAccountTest {
  private static final String ACME = """
      {"letsencrypt": {"Account": {"Email": "ops@example.org", "PrivateKey": "MIIEpAIBAAKCAQEA"},
        "Certificates": [{"domain": {"main": "app.internal"}}]}}
      """;
  @TempDir Path dir;

  @Test
  void aSymlinkPlantedAtTheTempNameIsRemovedNeverFollowed() throws Exception {
    Path acme = dir.resolve("acme.json");
    Files.writeString(acme, ACME);
    Files.setPosixFilePermissions(acme, PosixFilePermissions.fromString("rw-------"));
    Path victim = dir.resolve("victim");
    Files.writeString(victim, "root:x:0:0:root:/root:/bin/bash\n");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(dir.resolve("acme.json.tmp"), victim);

    String said = IngressActivitiesImpl.clearAccounts(acme);

    assertTrue(said.contains("cleared the ACME account of letsencrypt"), said);
    assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(victim), "the link's target is untouched");
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));
    assertTrue(Files.isRegularFile(acme, LinkOption.NOFOLLOW_LINKS));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(acme)));
    String now = Files.readString(acme);
    assertFalse(now.contains("Account") || now.contains("PrivateKey"), now);
    assertTrue(now.contains("app.internal"), now);
    assertFalse(Files.exists(dir.resolve("acme.json.tmp"), LinkOption.NOFOLLOW_LINKS), "no temp file left");
  }

  @Test
  void theRewriteIsOwnerOnlyWhateverTheUmaskAndTheOldMode() throws Exception {
    Path acme = dir.resolve("acme.json");
    Files.writeString(acme, ACME);
    Files.setPosixFilePermissions(acme, PosixFilePermissions.fromString("rw-r--r--"));
    PrivateRewrite.replace(acme, "{}".getBytes());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(acme)));
    assertEquals("{}", Files.readString(acme));
  }

  @Test
  void aDirectoryAtTheTempNameIsRefusedAndNothingIsWritten() throws Exception {
    Path acme = dir.resolve("acme.json");
    Files.writeString(acme, ACME);
    Files.createDirectory(dir.resolve("acme.json.tmp"));
    IOException e = assertThrows(IOException.class, () -> PrivateRewrite.replace(acme, "{}".getBytes()));
    assertTrue(e.getMessage().contains("rmdir"), e.getMessage());
    assertEquals(ACME, Files.readString(acme));
  }
}
