package io.stepcarecovery.backup;

/** Wraps the real backup activities so a test can act between steps (fault injection). */
class DelegatingBackupActivities implements BackupActivities {
  final BackupActivities real;

  DelegatingBackupActivities(BackupActivities real) {
    this.real = real;
  }

  @Override
  public BackupPlan preflight(String ca, boolean configOnly) {
    return real.preflight(ca, configOnly);
  }

  @Override
  public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
    return real.snapshot(ca, backupId, plan);
  }

  @Override
  public ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan) {
    return real.archive(ca, backupId, reason, createdAt, plan);
  }

  @Override
  public StoredBackup publish(String ca, String backupId, ArchiveReport archive, Long caDowntimeMillis) {
    return real.publish(ca, backupId, archive, caDowntimeMillis);
  }

  @Override
  public PruneReport prune(String ca, String justMade) {
    return real.prune(ca, justMade);
  }

  @Override
  public void discardWork(String ca, String backupId) {
    real.discardWork(ca, backupId);
  }
}
