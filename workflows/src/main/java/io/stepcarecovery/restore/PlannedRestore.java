package io.stepcarecovery.restore;

import java.util.List;

/**
 * What a verified restore is about to do, for the person who approves it: which backup, and
 * every path it replaces with where the live data is moved aside to (nothing is deleted); how the
 * CA answered before anything changed, and until when the gate waits.
 *
 * @param health how the CA answered before the run touched anything, or null (older runs)
 * @param approvalDeadline ISO-8601 instant after which an unanswered gate ends the run, or null
 * @param reason why the backup was made (operator text), or null
 */
public record PlannedRestore(String backupId, String createdAt, String rootFingerprint, List<Write> writes,
    io.stepcarecovery.probe.CurrentHealth health, String approvalDeadline, String reason) {

  public PlannedRestore(String backupId, String createdAt, String rootFingerprint, List<Write> writes) {
    this(backupId, createdAt, rootFingerprint, writes, null, null, null);
  }

  PlannedRestore withDeadline(String deadline) {
    return new PlannedRestore(backupId, createdAt, rootFingerprint, writes, health, deadline, reason);
  }

  /** @param path written from the backup; @param movedAsideTo where its live data goes, if any */
  public record Write(String path, String movedAsideTo) {}

  static PlannedRestore of(RestorePlan plan, String tag, io.stepcarecovery.probe.CurrentHealth health) {
    List<Write> writes = new java.util.ArrayList<>(
        plan.roots().stream().map(r -> new Write(r, r + ".pre-restore-" + tag)).toList());
    if (plan.databaseDump() != null) {
      String db = plan.databaseDump().database();
      writes.add(new Write(DatabaseNames.shown(db), DatabaseNames.shown(DatabaseNames.previous(db, tag))));
    }
    return new PlannedRestore(plan.backupId(), plan.createdAt(), plan.rootFingerprint(), List.copyOf(writes),
        health, null, plan.reason());
  }
}
