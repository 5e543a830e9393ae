package io.stepcarecovery.restore;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The file side of a restore, on the CA host. Nothing here deletes live data: what is replaced is
 * moved aside next to itself.
 */
@ActivityInterface
public interface RestoreActivities {
  /**
   * Fetches and verifies a backup without staging it (the verification of {@link #verifyAndStage},
   * kept for the activity tests that pin each refusal alone): the stored checksum, every
   * manifest checksum, ca.json present, the root equal to the configured trust anchor, and
   * every path it restores one of this CA's own paths on this host (never the archive's say).
   *
   * @param allowPaths absolute paths outside this host's $STEPPATH and live ca.json that the
   *     operator allowed the restore to write (a new host whose ca.json is gone); may be null
   */
  @ActivityMethod
  RestorePlan verifyBackup(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths);

  /**
   * Extracts the verified archive into staging directories beside each root ({@code
   * <root>.restoring-<tag>}), with modes from the manifest and the configured owner, while the
   * CA still runs ({@link #verifyAndStage} falls back to the same extraction). Idempotent.
   */
  @ActivityMethod
  void stage(String ca, RestorePlan plan, String tag);

  /**
   * {@link #verifyBackup} and {@link #stage} in one read of the archive, as every restore does
   * (before its approval gate, if any): the archive is extracted into the staging directories as
   * it is verified, and trusted only once the whole read and every check of {@link #verifyBackup}
   * passed; on any
   * failure the staging is removed and nothing else changed. Staging during the read needs the
   * roots before the manifest (the last entry) is read: they come from the backup's record, and
   * are used only when they hold the configured ca.json and the record's root is the trust
   * anchor (or a foreign root is allowed); a stray entry or roots that differ from the verified
   * manifest's fall back to a second, staging read. Without that hint (older records) it is
   * verify, then stage, as two reads. Idempotent.
   */
  @ActivityMethod
  RestorePlan verifyAndStage(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths,
      String tag);

  /** Removes the staging of {@link #verifyAndStage} after it failed (it needs no plan). */
  @ActivityMethod
  void discardStagingOf(String ca, String backup, String tag);

  /** CA stopped: moves each live root to {@code <root>.pre-restore-<tag>} and the staged one in. */
  @ActivityMethod
  SwapReport swapIn(String ca, RestorePlan plan, String tag);

  /**
   * Rollback, CA stopped: moves the restored data to {@code <root>.failed-restore-<tag>} and the
   * pre-restore data back in place.
   */
  @ActivityMethod
  SwapReport swapBack(String ca, RestorePlan plan, String tag);

  /** Removes leftover staging directories of this restore (copies of the archive, never live data). */
  @ActivityMethod
  void discardStaging(String ca, RestorePlan plan, String tag);
}
