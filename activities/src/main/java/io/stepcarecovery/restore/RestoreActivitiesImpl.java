package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore on the CA host. The archive is verified in full before anything is written; it is
 * then extracted beside each live root ({@code <root>.restoring-<tag>}), so the swap under a
 * stopped CA is two renames per root and the old data is only ever moved aside.
 */
public class RestoreActivitiesImpl implements RestoreActivities {
  private static final Logger log = LoggerFactory.getLogger(RestoreActivitiesImpl.class);
  private final StepcaRecoveryConfig config;

  public RestoreActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  @Override
  public RestorePlan verifyBackup(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths) {
    return ActivityErrors.run(() -> BackupVerifier.verify(config.ca(ca), ca, backup, allowForeignRoot, allowPaths));
  }

  @Override
  public RestorePlan verifyAndStage(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths,
      String tag) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      StoredBackup stored = BackupLookup.find(store, ca, backup);
      List<Path> hint = BackupVerifier.rootsHint(c, stored, allowForeignRoot, RestoreTargets.of(c, allowPaths));
      if (hint == null) {
        // No usable hint: verify, then stage, two reads in one activity (a hint
        // naming a path that is not this CA's is refused by that verification, unwritten).
        RestorePlan plan = BackupVerifier.verify(c, ca, stored.backupId(), allowForeignRoot, allowPaths);
        stageChecked(c, plan, tag);
        return plan;
      }
      Path archive = Path.of(stored.archive());
      log.info("backup {} of CA {}: verifying and extracting beside {} in one read", stored.backupId(), ca, hint);
      Leftovers.removeStaleStaging(hint, tag); // this run holds the CA's lock: no other run uses them
      RestoreDirs.discard(hint, tag);
      try {
        StagingSink staging = new StagingSink(hint, tag, true);
        ArchiveReader.Verified v = ArchiveReader.read(archive, BackupVerifier.reading(c, archive, stored.backupId()),
            ArchiveReader.Limits.DEFAULT, staging,
            Heartbeat.of("verify and extract " + stored.backupId()));
        // Trusted from here on only: the read returned, the manifest accounts for every entry.
        RestorePlan plan = BackupVerifier.check(c, ca, stored, archive, v, allowForeignRoot, allowPaths);
        if (staging.strayed != null || !plan.roots().equals(hint.stream().map(Path::toString).toList())) {
          log.info("backup {}: its record's roots {} are not its manifest's {}{}; staging in a second read",
              plan.backupId(), hint, plan.roots(), staging.strayed == null ? "" : " (" + staging.strayed + ")");
          RestoreDirs.discard(hint, tag);
          stageChecked(c, plan, tag);
          return plan;
        }
        staging.finish(c, plan, v);
        return plan;
      } catch (Exception e) {
        RestoreDirs.discard(hint, tag);
        throw e;
      }
    });
  }

  @Override
  public void discardStagingOf(String ca, String backup, String tag) {
    ActivityErrors.runVoid(() -> {
      CaConfig c = config.ca(ca);
      StoredBackup stored;
      try {
        stored = BackupLookup.find(new BackupStore(c.backups().store(), ca), ca, backup);
      } catch (RuntimeException noSuchBackup) {
        return; // nothing was staged for a backup that is not there
      }
      if (stored.roots() != null) {
        RestoreTargets targets = RestoreTargets.of(c, null);
        List<Path> roots = new ArrayList<>();
        for (String r : stored.roots()) {
          if (r != null && r.startsWith("/") && targets.permits(List.of(Path.of(r)))) {
            roots.add(Path.of(r));
          }
        }
        RestoreDirs.discard(roots, tag);
      }
    });
  }

  @Override
  public void stage(String ca, RestorePlan plan, String tag) {
    ActivityErrors.runVoid(() -> stageChecked(config.ca(ca), plan, tag));
  }

  private void stageChecked(CaConfig c, RestorePlan plan, String tag) throws IOException {
    List<Path> roots = RestoreTargets.of(c, plan.allowPaths()).check(plan.backupId(), plan.roots());
    Leftovers.removeStaleStaging(roots, tag); // this run holds the CA's lock: no other run uses them
    RestoreDirs.discard(roots, tag);
    try {
      stageUnchecked(c, plan, roots, tag);
    } catch (Exception e) {
      RestoreDirs.discard(roots, tag);
      throw e;
    }
  }

  private void stageUnchecked(CaConfig c, RestorePlan plan, List<Path> roots, String tag) throws IOException {
    StagingSink staging = new StagingSink(roots, tag, false);
    Path archive = Path.of(plan.archive());
    ArchiveReader.Verified v = ArchiveReader.read(archive, BackupVerifier.reading(c, archive, plan.backupId()),
        ArchiveReader.Limits.DEFAULT,
        staging, Heartbeat.of("extract " + plan.backupId()));
    if (!v.sha256().equals(plan.sha256())) {
      throw new UnsafeArchiveException(plan.archive() + " changed between its verification and its"
          + " extraction; refused");
    }
    staging.finish(c, plan, v);
  }

  @Override
  public SwapReport swapIn(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> {
      RestoreTargets.of(config.ca(ca), plan.allowPaths()).check(plan.backupId(), plan.roots());
      SwapReport moved = swap(plan, tag, Swap.IN);
      log.info("CA {}: restored data in place at {}; previous data at {}", ca, moved.placed(), moved.movedAside());
      return moved;
    });
  }

  @Override
  public SwapReport swapBack(String ca, RestorePlan plan, String tag) {
    return ActivityErrors.run(() -> {
      config.ca(ca);
      SwapReport moved = swap(plan, tag, Swap.BACK);
      log.info("CA {}: rolled back; previous data at {}, failed restore at {}", ca, moved.placed(),
          moved.movedAside());
      return moved;
    });
  }

  /**
   * The two directions of the one swap: the staged restore in (the live data aside to
   * pre-restore), or back (the pre-restore data in, the restored data aside to failed-restore).
   * Only a restore must find what it moves in; a rollback with nothing set aside has nothing to do.
   */
  private enum Swap {
    IN(RestoreDirs::staging, RestoreDirs::preRestore, true),
    BACK(RestoreDirs::preRestore, RestoreDirs::failedRestore, false);

    final BiFunction<Path, String, Path> incoming;
    final BiFunction<Path, String, Path> outgoing;
    final boolean incomingRequired;

    Swap(BiFunction<Path, String, Path> incoming, BiFunction<Path, String, Path> outgoing, boolean incomingRequired) {
      this.incoming = incoming;
      this.outgoing = outgoing;
      this.incomingRequired = incomingRequired;
    }
  }

  private static SwapReport swap(RestorePlan plan, String tag, Swap way) throws IOException {
    List<String> aside = new ArrayList<>();
    List<String> placed = new ArrayList<>();
    for (String r : plan.roots()) {
      Path root = Path.of(r);
      RestoreDirs.exchange(root, way.incoming.apply(root, tag), way.outgoing.apply(root, tag), way.incomingRequired,
          aside, placed);
    }
    return new SwapReport(aside, placed);
  }

  @Override
  public void discardStaging(String ca, RestorePlan plan, String tag) {
    ActivityErrors.runVoid(() -> {
      // Only beside this CA's own paths: a plan is workflow data, not a licence to delete.
      RestoreTargets targets = RestoreTargets.of(config.ca(ca), plan.allowPaths());
      RestoreDirs.discard(plan.roots().stream().filter(r -> r != null && r.startsWith("/")).map(Path::of)
          .filter(p -> targets.permits(List.of(p))).toList(), tag);
    });
  }
}
