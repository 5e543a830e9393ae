package io.stepcarecovery.overview;

import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.checklist.LiveHealth;
import io.stepcarecovery.checklist.PresentedCertificates;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.copies.Holdings;
import io.stepcarecovery.drill.DrillRecord;
import io.stepcarecovery.probe.CurrentHealth;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.store.DrillRecords;
import java.nio.file.Files;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads one CA's state for {@code overview}, changing nothing and needing no Temporal service: a
 * GET /health (no nonce: it would write to the CA's database), the stores as {@code backups} lists
 * them, the drill records beside the backups, and the intermediate. Records from stores are read
 * as hostile: one whose time does not parse, or lies in the future, never counts as the newest.
 */
public final class OverviewProbe {
  private OverviewProbe() {}

  /** @param services every configured service as served now ({@link PresentedCertificates#services}) */
  public static CaOverview of(CaConfig c, List<Served> services, Instant now) {
    CurrentHealth health = LiveHealth.of(c, false);
    List<String> copies = c.backups() == null ? List.of()
        : c.backups().copiesOrEmpty().stream().map(CopyConfig::uri).toList();
    CaOverview.LastBackup last = null;
    Map<String, String> unreachable = Map.of();
    String storeNote = null;
    CaOverview.LastDrill drill = null;
    if (c.backups() != null && c.backups().store() != null) {
      if (!Files.isDirectory(c.backups().store())) {
        storeNote = "the local store " + c.backups().store() + " is not a directory on this host";
      }
      Holdings held = Holdings.of(c);
      unreachable = held.unreachable();
      StoredBackup newest = held.backups().stream().filter(b -> at(b.createdAt(), now) != null)
          .max(Comparator.comparing(b -> at(b.createdAt(), now))).orElse(null);
      if (newest != null) {
        last = new CaOverview.LastBackup(newest.backupId(), at(newest.createdAt(), now),
            held.stores().getOrDefault(newest.backupId(), List.of()));
      }
      drill = lastDrill(new BackupStore(c.backups().store(), c.name()), held.backups(), now);
    }
    List<Served> mine = services.stream().filter(s -> c.name().equals(s.ca())).toList();
    return new CaOverview(c.name(), c.url(), health.healthy(), health.detail(), copies, last, unreachable,
        storeNote, drill, PresentedCertificates.intermediate(c), mine);
  }

  /** The newest drill recorded beside any of the backups, and when the newest passed one finished. */
  private static CaOverview.LastDrill lastDrill(BackupStore store, List<StoredBackup> backups, Instant now) {
    List<DrillRecord> drills = backups.stream().map(b -> DrillRecords.read(store, b.backupId()).orElse(null))
        .filter(Objects::nonNull).filter(d -> at(d.finishedAt(), now) != null).toList();
    DrillRecord newest = drills.stream().max(Comparator.comparing(d -> at(d.finishedAt(), now))).orElse(null);
    if (newest == null) {
      return null;
    }
    Instant passed = drills.stream().filter(DrillRecord::ok).map(d -> at(d.finishedAt(), now))
        .max(Comparator.naturalOrder()).orElse(null);
    return new CaOverview.LastDrill(newest.backupId(), at(newest.finishedAt(), now), newest.ok(), newest.rtoMillis(),
        passed, newest.failure());
  }

  /** A record's time, or null when it does not parse or lies in the future (it would hide a stale one). */
  static Instant at(String text, Instant now) {
    try {
      Instant t = Instant.parse(text);
      return t.isAfter(now.plusSeconds(300)) ? null : t;
    } catch (DateTimeException | NullPointerException e) {
      return null;
    }
  }
}
