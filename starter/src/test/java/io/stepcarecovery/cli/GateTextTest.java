package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.ConfigException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the approval gate's options and prompt make of what a person types and a backup says. */
class GateTextTest {
  @Test
  void approvalTimeoutsReadAsAPersonTypesThem() {
    assertEquals(90, Durations.seconds("--approval-timeout", "90s"));
    assertEquals(90, Durations.seconds("--approval-timeout", "90"));
    assertEquals(1800, Durations.seconds("--approval-timeout", "30m"));
    assertEquals(7200, Durations.seconds("--approval-timeout", "2h"));
    for (String bad : new String[] {"0s", "-5m", "1d", "1h30m", "", "1e9"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> Durations.seconds("--approval-timeout", bad));
      assertTrue(e.getMessage().startsWith("--approval-timeout takes a positive duration"), e.getMessage());
    }
    assertTrue(assertThrows(ConfigException.class, () -> Durations.seconds("--approval-timeout", "169h"))
        .getMessage().contains("at most 7 days"));
  }

  @Test
  void aBackupsAgeIsSaidInTheUnitsThatMatter() {
    Instant now = Instant.parse("2026-11-29T12:00:00Z");
    assertEquals(", 3 h 12 min ago", BackupAge.of("2026-11-29T08:48:00Z", now));
    assertEquals(", 2 d 4 h ago", BackupAge.of("2026-11-27T08:00:00Z", now));
    assertEquals(", 5 min ago", BackupAge.of("2026-11-29T11:55:00Z", now));
    assertEquals(", dated in the future", BackupAge.of("2099-01-01T00:00:00Z", now));
    assertEquals("", BackupAge.of("\u001b[2Jnot a time", now), "unreadable text adds nothing");
    assertEquals("", BackupAge.of(null, now));
  }

  @Test
  void theGateCommandsCarryTheConfigAndTemporalInUse() {
    CommonOptions common = new CommonOptions();
    common.config = Path.of("/etc/lab 5.yaml");
    common.temporal = "temporal.internal:7233";
    RunContext ctx = new RunContext(null, "main", common, null);
    assertEquals("stepca-recovery approve --config '/etc/lab 5.yaml' --temporal temporal.internal:7233"
        + " restore-main-20261129T120000Z", ApprovalHints.approve(ctx, "restore-main-20261129T120000Z"));
    assertEquals("stepca-recovery abort --config '/etc/lab 5.yaml' --temporal temporal.internal:7233"
        + " restore-main-20261129T120000Z --reason 'TEXT'", ApprovalHints.abort(ctx, "restore-main-20261129T120000Z"));
  }
}
