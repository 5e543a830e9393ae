package io.stepcarecovery.drill;

import io.stepcarecovery.progress.RunbookStep;

/** The drill's runbook steps. Nothing here touches the production CA. */
public enum DrillStep implements RunbookStep {
  VERIFY("Fetch and verify the backup, extract it into a sandbox"),
  START("Start the sandbox step-ca"),
  CHECK("Check the sandbox (health, root, intermediate, issuance, ACME)"),
  CLEANUP("Stop and remove the sandbox"),
  RECORD("Record the drill beside the backup");

  private final String label;

  DrillStep(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
