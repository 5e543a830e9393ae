package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fixing command a workflow names becomes the one the person can paste. */
class ExactCommandsTest {
  private static RunContext ctx(String config, String temporal) {
    CommonOptions o = new CommonOptions();
    o.config = config == null ? null : Path.of(config);
    o.temporal = temporal;
    return new RunContext(null, "main", o, null);
  }

  @Test
  void recoverAndWorkerGetTheOptionsThePersonGave() {
    String msg = "CA main IS DOWN: ... Once the cause is fixed, start it from a good backup with:"
        + " stepca-recovery recover --ca main";
    assertEquals(msg + " --config '/etc/s r/c.yaml' --temporal t:7233",
        ExactCommands.complete(msg, ctx("/etc/s r/c.yaml", "t:7233")));
    assertEquals("On ca1, start: stepca-recovery worker --config /c.yaml --temporal t:7233 --host ca1 — then",
        ExactCommands.complete("On ca1, start: stepca-recovery worker --host ca1 — then", ctx("/c.yaml", "t:7233")));
  }

  @Test
  void optionsTheDefaultsCoverAreLeftOut() {
    String msg = "run: stepca-recovery recover --ca main";
    assertEquals(msg, ExactCommands.complete(msg, ctx(null, null)));
  }

  @Test
  void storeAndLockHintsGetTheConfigAndABackupTheTemporalToo() {
    String list = "no backup 'x' of CA 'main' in /s (list them with: stepca-recovery backups --ca main)";
    assertEquals("no backup 'x' of CA 'main' in /s (list them with: stepca-recovery backups --ca main --config /c.yaml)",
        ExactCommands.complete(list, ctx("/c.yaml", "t:7233")));
    assertEquals("take one with: stepca-recovery backup --ca main --config /c.yaml --temporal t:7233",
        ExactCommands.complete("take one with: stepca-recovery backup --ca main", ctx("/c.yaml", "t:7233")));
    assertEquals("Only if that run is gone for good: stepca-recovery unlock --ca main --config /c.yaml",
        ExactCommands.complete("Only if that run is gone for good: stepca-recovery unlock --ca main", ctx("/c.yaml", "t:7233")));
  }
}
