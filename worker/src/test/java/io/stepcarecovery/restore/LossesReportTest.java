package io.stepcarecovery.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.probe.Platform;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cases of {@link LossesReport} the orchestration tests' one fake platform does not reach. */
class LossesReportTest {
  private static final CaDescription CA = new CaDescription("main", "ca1", "https://ca.internal:9000", "systemd");
  private static final long SWAP = Instant.parse("2026-11-29T12:30:00Z").toEpochMilli();

  private static RestorePlan plan(String dbType, String createdAt) {
    return new RestorePlan("b1", "/b/b1.tar.gz", "ef", createdAt, dbType, "ab", List.of("/srv/step"), 1, 1);
  }

  @Test
  void anOutageLeftNothingToListAndSaysWhereElseToLook() {
    Losses l = LossesReport.compose(CA, plan("badgerv2", "2026-11-29T10:00:00Z"), "T", List.of(), false,
        List.of(new Platform.Ingress("traefik", "edge1", true), new Platform.Ingress("nginx", "edge2", false)), SWAP);
    assertEquals(9000, l.backupAgeSeconds());
    assertTrue(l.summary().contains("(2 h 30 min before the restore)"), l.summary());
    assertEquals(List.of("traefik on edge1"), l.acmeClients(), "only ingresses with an ACME store");
    assertEquals(List.of(), l.previousData());
    assertEquals(List.of(), l.listCommands());
    assertTrue(l.steps().get(3).startsWith("No live data was there to move aside"), l.steps().get(3));
  }

  @Test
  void anotherDatabaseTypeIsComparedByHandNotListed() {
    Losses l = LossesReport.compose(CA, plan("bbolt", "2026-11-29T10:00:00Z"), "T",
        List.of("/srv/step.pre-restore-T"), false, List.of(), SWAP);
    assertEquals(List.of("/srv/step.pre-restore-T"), l.previousData());
    assertEquals(List.of(), l.listCommands());
    assertTrue(l.steps().get(3).contains("'bbolt' database, which stepca-recovery losses does not read"),
        l.steps().get(3));
  }

  @Test
  void aMysqlCasKeptPreviousDatabaseIsNamedWithTheQueryThatListsWhatTheRestoreUndid() {
    RestorePlan mysql = new RestorePlan("b1", "/b/b1.tar.gz", "ef", "2026-11-29T10:00:00Z", "mysql", "ab",
        List.of("/srv/step"), 1, 1, null, null, new DatabaseDump("/srv/step/.stepca-recovery/db/stepca.sql", "stepca",
            "ef", 10));
    Losses l = LossesReport.compose(CA, mysql, "20261129T123000Z", List.of("/srv/step.pre-restore-20261129T123000Z",
        "database stepca_prev_20261129t123000z on 127.0.0.1:3306"), false, List.of(), SWAP);
    assertEquals(List.of("/srv/step.pre-restore-20261129T123000Z", "database stepca_prev_20261129t123000z on 127.0.0.1:3306"),
        l.previousData());
    assertTrue(l.steps().get(3).contains("SELECT nkey FROM stepca_prev_20261129t123000z.x509_certs WHERE nkey NOT IN"
        + " (SELECT nkey FROM stepca.x509_certs)"), l.steps().get(3));
    Losses dropped = LossesReport.compose(CA, mysql, "20261129T123000Z", List.of("/srv/step.pre-restore-20261129T123000Z"),
        false, List.of(), SWAP);
    assertTrue(dropped.steps().get(3).startsWith("The CA's database stepca was missing or empty"), dropped.steps().get(3));
  }

  @Test
  void onlyTheRestoresOwnMovedAsideRootsAreThePreviousData() {
    Losses l = LossesReport.compose(CA, plan("badgerv2", "2026-11-29T10:00:00Z"), "T",
        List.of("/srv/step.pre-restore-T", "/srv/step.failed-restore-T"), false, List.of(), SWAP);
    assertEquals(List.of("stepca-recovery losses --previous /srv/step.pre-restore-T --current /srv/step"),
        l.listCommands());
  }

  @Test
  void anUnreadableOrFutureBackupTimeIsAnUnknownAgeNotAGuess() {
    assertEquals(-1, LossesReport.compose(CA, plan("badgerv2", "yesterday"), "T", List.of(), false, List.of(), SWAP)
        .backupAgeSeconds());
    assertEquals(-1, LossesReport.compose(CA, plan("badgerv2", null), "T", List.of(), false, List.of(), SWAP)
        .backupAgeSeconds());
    assertEquals(-1, LossesReport.compose(CA, plan("badgerv2", "2026-11-30T00:00:00Z"), "T", List.of(), false,
        List.of(), SWAP).backupAgeSeconds());
  }

  @Test
  void agesReadAsAPersonWouldSayThem() {
    assertEquals("45 s", LossesReport.human(45));
    assertEquals("90 min", LossesReport.human(5400));
    assertEquals("26 h 0 min", LossesReport.human(26 * 3600));
    assertEquals("3 days 4 h", LossesReport.human(3 * 86400 + 4 * 3600));
  }
}
