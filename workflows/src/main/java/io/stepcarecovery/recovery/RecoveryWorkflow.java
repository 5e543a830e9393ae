package io.stepcarecovery.recovery;

import io.stepcarecovery.progress.Step;
import io.stepcarecovery.restore.RestoreRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Full TLS outage, the runbook's recovery order: restore data → start CA → validate the ACME
 * directory → validate certificate issuance → restart Traefik → confirm application HTTPS.
 */
@WorkflowInterface
public interface RecoveryWorkflow {
  @WorkflowMethod(name = "RecoveryWorkflow")
  RecoveryResult recover(RestoreRequest request);

  @SignalMethod
  void approve(String by);

  @SignalMethod
  void abort(String reason);

  @QueryMethod
  List<Step> progress();

  /** Once the backup is verified: every path it will replace, and where the live data goes. */
  @QueryMethod
  io.stepcarecovery.restore.PlannedRestore plannedRestore();
}
