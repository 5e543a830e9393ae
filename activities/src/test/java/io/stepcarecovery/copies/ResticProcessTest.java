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

  /**
   * A repository server that accepts the connection and never answers: restic waits. The
   * activity's cancellation (its heartbeat throws) ends the wait at once and kills restic.
   * Needs restic installed (lab/install).
   */
  @Test
  @org.junit.jupiter.api.Tag("lab")
  void aCancelledCommandKillsRestic() throws Exception {
    Path pass = tmp.resolve("pass");
    Files.writeString(pass, "pw\n");
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String repo = "rest:http://127.0.0.1:" + silent.getLocalPort() + "/cancel-test-" + System.nanoTime() + "/";
      ResticProcess restic = new ResticProcess(new CopyConfig.Restic(repo, pass, null));
      long[] calls = {0};
      long t0 = System.nanoTime();
      RuntimeException e = assertThrows(RuntimeException.class, () -> restic.run(null, java.time.Duration.ofMinutes(10),
          n -> {
            if (++calls[0] >= 2) {
              throw new IllegalStateException("cancelled");
            }
          }, java.util.List.of("snapshots", "--json")));
      assertEquals("cancelled", e.getMessage());
      assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "ended within seconds of the cancel");
      String repoName = repo.substring(repo.lastIndexOf("cancel-test"));
      assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains("restic")
          && p.info().commandLine().orElse("").contains(repoName)), "no restic process is left");
    }
  }

  @Test
  void anUnreadablePasswordFileIsNamedBeforeResticRuns() {
    CopyConfig.Restic c = new CopyConfig.Restic(tmp.resolve("repo").toString(), tmp.resolve("missing.pass"), null);
    CopyException e = assertThrows(CopyException.class, () -> new ResticProcess(c));
    assertTrue(e.getMessage().contains("missing.pass") && e.getMessage().contains("restic.passwordFile"), e.getMessage());
  }
}
