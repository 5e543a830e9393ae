package io.stepcarecovery.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepcarecovery.backup.BackupActivitiesImpl;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed backup step counts for the "backup failing" alert, labelled by its CA. */
class BackupFailureCountTest {
  @TempDir Path tmp;

  @Test
  void aFailedPreflightCountsOneFailureOfItsCa() {
    CaConfig ca = new CaConfig("main", "localhost", tmp.resolve("missing/ca.json"), "https://localhost:9000",
        tmp.resolve("root.crt"), null, null, null, null,
        new BackupsConfig(tmp.resolve("store"), null, null, null, null, null, null, null));
    StepcaRecoveryConfig config = new StepcaRecoveryConfig(tmp.resolve("c.yaml"), null, List.of(ca), List.of(), List.of());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BackupActivitiesImpl backup = new BackupActivitiesImpl(config, new RunbookMetrics(registry));

    assertThrows(RuntimeException.class, () -> backup.preflight("main", false));
    assertThrows(RuntimeException.class, () -> backup.preflight("main", false));

    assertEquals(2.0, registry.get(RunbookMetrics.BACKUP_FAILURES).tags("ca", "main").counter().count());
  }
}
