package io.stepcarecovery.recovery;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/** The runbook's validation checklist after a recovery, with what was restored. */
public record RecoveryResult(
    boolean ok,
    String ca,
    String backupId,
    String archive,
    boolean rolledBack,
    List<String> movedAside,
    List<String> restoredPaths,
    long caDowntimeMillis,
    String message,
    List<ChecklistItem> checklist,
    String source) {
  /** @param source where the backup came from: "local", or the off-host copy's URI */
  public RecoveryResult(boolean ok, String ca, String backupId, String archive, boolean rolledBack,
      List<String> movedAside, List<String> restoredPaths, long caDowntimeMillis, String message,
      List<ChecklistItem> checklist) {
    this(ok, ca, backupId, archive, rolledBack, movedAside, restoredPaths, caDowntimeMillis, message, checklist,
        null);
  }
}
