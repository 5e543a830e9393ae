package io.stepcarecovery.drill;

import io.stepcarecovery.progress.Step;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A restore drill: proves that a backup restores, in a sandbox step-ca on the drill host, without
 * touching the production CA (never stopped, never written, its port never taken).
 */
@WorkflowInterface
public interface DrillWorkflow {
  /** A failed drill is a result ({@code ok=false}), not a workflow failure; bad input fails. */
  @WorkflowMethod(name = "DrillWorkflow")
  DrillResult drill(DrillRequest request);

  /** The runbook steps with their state, for the CLI and anyone watching. */
  @QueryMethod
  List<Step> progress();
}
