package io.stepcarecovery.backup;

import java.util.List;

/**
 * @param caDowntimeMillis stop requested until {@code /health} answered again
 * @param stoppedWindowMillis CA process exit until the start command (what the snapshot costs)
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
    List<String> pruned) {}
