package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, end to end: ./stepca-recovery demo. */
@Tag("lab")
class DemoIT {
  @TempDir Path tmp;

  @Test
  void theDemoRecoversADestroyedCaAndTearsTheLabDown() throws Exception {
    Path dir = tmp.resolve("demo");
    Cli.Run r = Cli.run("demo", "--dir", dir.toString());
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    for (String expected : new String[] {"== 2/5 Pre-change backup", "stored and verified",
        "== 3/5 Outage", "✓ 1. Restore Step-CA data", "✓ 6. Confirm application HTTPS", "All 9 checks passed.",
        "Demo complete"}) {
      assertTrue(r.stdout().contains(expected), expected + " in:\n" + r.stdout());
    }
    assertFalse(Files.exists(dir.resolve("step-ca.pid")), "the lab was torn down");
  }
}
