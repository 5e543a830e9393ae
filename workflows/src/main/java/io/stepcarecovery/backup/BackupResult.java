package io.stepcarecovery.backup;

import io.stepcarecovery.copies.CopyReport;
import java.util.List;

/**
 * @param caDowntimeMillis stop requested until {@code /health} answered again
 * @param stoppedWindowMillis CA process exit until the start command (what the snapshot costs)
 * @param copies one report per configured off-host copy, in config order: which were written and
 *     read back, and why any other failed
 * @param online the backup dumped the CA's database while the CA kept running (MySQL): no stop,
 *     {@code caDowntimeMillis} 0; null in results from before
 */
public record BackupResult(
    String backupId,
    String ca,
    String archive,
    String sha256,
    long sizeBytes,
    long caDowntimeMillis,
    long stoppedWindowMillis,
    String rootFingerprint,
    String intermediateFingerprint,
    String dbType,
    boolean caWasRunning,
    List<String> pruned,
    List<CopyReport> copies,
    Boolean online) {
  public BackupResult(String backupId, String ca, String archive, String sha256, long sizeBytes,
      long caDowntimeMillis, long stoppedWindowMillis, String rootFingerprint, String intermediateFingerprint,
      String dbType, boolean caWasRunning, List<String> pruned, List<CopyReport> copies) {
    this(backupId, ca, archive, sha256, sizeBytes, caDowntimeMillis, stoppedWindowMillis, rootFingerprint,
        intermediateFingerprint, dbType, caWasRunning, pruned, copies, null);
  }

  public BackupResult(String backupId, String ca, String archive, String sha256, long sizeBytes,
      long caDowntimeMillis, long stoppedWindowMillis, String rootFingerprint, String intermediateFingerprint,
      String dbType, boolean caWasRunning, List<String> pruned) {
    this(backupId, ca, archive, sha256, sizeBytes, caDowntimeMillis, stoppedWindowMillis, rootFingerprint,
        intermediateFingerprint, dbType, caWasRunning, pruned, null, null);
  }

  /** The off-host copies (none configured, or a history from before copies existed: empty). */
  public List<CopyReport> copiesOrEmpty() {
    return copies == null ? List.of() : copies;
  }

  /** Every configured copy was written and read back (true when none is configured). */
  public boolean copiesVerified() {
    return copiesOrEmpty().stream().allMatch(CopyReport::verified);
  }
}
