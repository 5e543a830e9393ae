package io.stepcarecovery.restore;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The file side of a restore, on the CA host. Nothing here deletes live data: what is replaced is
 * moved aside next to itself.
 */
@ActivityInterface
public interface RestoreActivities {
  /**
   * Fetches and verifies a backup before anything is touched: the stored checksum, every
   * manifest checksum, ca.json present, the root equal to the configured trust anchor.
   */
  @ActivityMethod
  RestorePlan verifyBackup(String ca, String backup, boolean allowForeignRoot);

  /**
   * Extracts the verified archive into staging directories beside each root ({@code
   * <root>.restoring-<tag>}), with modes from the manifest and the configured owner, while the
   * CA still runs. Idempotent.
   */
  @ActivityMethod
  void stage(String ca, RestorePlan plan, String tag);

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
