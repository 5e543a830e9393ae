package io.stepcarecovery.backup;

import io.stepcarecovery.progress.RunbookStep;

/** The backup workflow's runbook steps; the CA is down from {@link #STOP} to {@link #START}. */
public enum BackupStep implements RunbookStep {
  PREFLIGHT("Preflight: read ca.json, check the store"),
  STOP("Stop CA"),
  SNAPSHOT("Snapshot data directory"),
  START("Start CA"),
  HEALTH("Confirm CA health"),
  ARCHIVE("Archive snapshot (tar.gz + manifest)"),
  PUBLISH("Store and verify archive"),
  COPY("Copy off-host and read back"),
  PRUNE("Prune old backups");

  private final String label;

  BackupStep(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
