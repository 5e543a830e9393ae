package io.stepcarecovery.restore;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/**
 * @param ok the restored CA passed validation
 * @param rolledBack validation failed and the previous data was put back and started
 * @param movedAside where the replaced data now lies (nothing is deleted)
 * @param restoredPaths the paths the backup was written to (each the CA's own on the restoring host)
 * @param losses what the restore undid (everything recorded after the backup) and what to do
 * @param source where the backup came from: "local", or the off-host copy's URI
 */
public record RestoreResult(
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
    Losses losses,
    String source) {}
