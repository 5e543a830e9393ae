package io.stepcarecovery.restore;

import java.util.List;

/**
 * What a verified restore is about to do, for the person who approves it: which backup, and
 * every path it replaces with where the live data is moved aside to (nothing is deleted).
 */
public record PlannedRestore(String backupId, String createdAt, String rootFingerprint, List<Write> writes) {

  /** @param path written from the backup; @param movedAsideTo where its live data goes, if any */
  public record Write(String path, String movedAsideTo) {}

  static PlannedRestore of(RestorePlan plan, String tag) {
    return new PlannedRestore(plan.backupId(), plan.createdAt(), plan.rootFingerprint(),
        plan.roots().stream().map(r -> new Write(r, r + ".pre-restore-" + tag)).toList());
  }
}
