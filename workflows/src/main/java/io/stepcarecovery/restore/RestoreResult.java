package io.stepcarecovery.restore;

import io.stepcarecovery.checklist.ChecklistItem;
import java.util.List;

/**
 * @param ok the restored CA passed validation
 * @param rolledBack validation failed and the previous data was put back and started
 * @param movedAside where the replaced data now lies (nothing is deleted)
 * @param restoredPaths the paths the backup was written to (each the CA's own on the restoring host)
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
    String source) {
  /** @param source where the backup came from: "local", or the off-host copy's URI */
  public RestoreResult(boolean ok, String ca, String backupId, String archive, boolean rolledBack,
      List<String> movedAside, List<String> restoredPaths, long caDowntimeMillis, String message,
      List<ChecklistItem> checklist) {
    this(ok, ca, backupId, archive, rolledBack, movedAside, restoredPaths, caDowntimeMillis, message, checklist,
        null);
  }
}
