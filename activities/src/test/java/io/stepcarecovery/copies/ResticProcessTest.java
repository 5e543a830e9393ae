package io.stepcarecovery.copies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.CopyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How restic is configured as a child process, without running it. */
class ResticProcessTest {
  @TempDir Path tmp;

  @Test
  void theEnvironmentFileGivesKeyValueLinesButNeverAPassword() throws Exception {
    Path env = tmp.resolve("restic.env");
    Files.writeString(env, "# for s3:\nAWS_ACCESS_KEY_ID=local-identity\nexport AWS_SECRET_ACCESS_KEY = s3cret\n\n");
    assertEquals(Map.of("AWS_ACCESS_KEY_ID", "local-identity", "AWS_SECRET_ACCESS_KEY", "s3cret"),
        ResticProcess.environmentFile(env));
    Files.writeString(env, "RESTIC_PASSWORD=hunter2\n");
    CopyException e = assertThrows(CopyException.class, () -> ResticProcess.environmentFile(env));
    assertTrue(e.getMessage().contains("RESTIC_PASSWORD is refused") && !e.getMessage().contains("hunter2"), e.getMessage());
    Files.writeString(env, "just words\n");
    assertThrows(CopyException.class, () -> ResticProcess.environmentFile(env));
  }

  @Test
  void anUnreadablePasswordFileIsNamedBeforeResticRuns() {
    CopyConfig.Restic c = new CopyConfig.Restic(tmp.resolve("repo").toString(), tmp.resolve("missing.pass"), null);
    CopyException e = assertThrows(CopyException.class, () -> new ResticProcess(c));
    assertTrue(e.getMessage().contains("missing.pass") && e.getMessage().contains("restic.passwordFile"), e.getMessage());
  }
}
