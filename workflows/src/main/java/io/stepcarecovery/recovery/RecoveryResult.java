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
    List<ChecklistItem> checklist) {}
