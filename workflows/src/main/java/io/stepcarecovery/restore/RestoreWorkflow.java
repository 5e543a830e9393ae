package io.stepcarecovery.restore;

import io.stepcarecovery.progress.Step;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

@WorkflowInterface
public interface RestoreWorkflow {
  @WorkflowMethod(name = "RestoreWorkflow")
  RestoreResult restore(RestoreRequest request);

  /** Go ahead with the destructive part (only waited for when the request asked for approval). */
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
