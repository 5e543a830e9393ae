package io.stepcarecovery.recovery;

import io.stepcarecovery.progress.RunbookStep;

/** The recovery workflow's runbook steps, in the runbook's recovery order. */
public enum RecoveryStep implements RunbookStep {
  /** Verify, approval, stage, stop and swap all report here. */
  RESTORE("Restore Step-CA data"),
  START("Start Step-CA"),
  ACME("Validate ACME directory"),
  ISSUANCE("Validate certificate issuance"),
  /** Which ingress (Traefik, nginx) is the step's target, from the config. */
  INGRESS("Restart the ingress"),
  HTTPS("Confirm application HTTPS");

  private final String label;

  RecoveryStep(String label) {
    this.label = label;
  }

  @Override
  public String label() {
    return label;
  }
}
