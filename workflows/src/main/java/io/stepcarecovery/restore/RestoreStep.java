package io.stepcarecovery.restore;

import io.stepcarecovery.progress.RunbookStep;

/** The restore workflow's runbook steps; the CLI's approval prompt waits on {@link #APPROVAL}. */
public enum RestoreStep implements RunbookStep {
  VERIFY("Fetch and verify backup"),
  // Staged in the verifying read, before anyone is asked: the gate comes after it, so that the
  // screen reads in the order things happen.
  STAGE("Stage restored data (CA still running)"),
  APPROVAL("Approval"),
  STOP("Stop CA"),
  SWAP("Move live data aside, put backup in place"),
  START("Start CA"),
  VALIDATE("Validate: service, ACME, trust, issuance"),
  ROLLBACK("Roll back");

  private final String label;

  RestoreStep(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
