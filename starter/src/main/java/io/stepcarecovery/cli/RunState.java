package io.stepcarecovery.cli;

import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;

/** Whether a run (its latest execution) is still open, from the service's own description. */
final class RunState {
  private RunState() {}

  /** How the run ended (COMPLETED, FAILED, CANCELED, ...), or null while it runs. */
  static String closed(TemporalSession session, String id) {
    WorkflowExecutionStatus s = session.client().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(session.client().getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
        .getWorkflowExecutionInfo().getStatus();
    return name(s);
  }

  /** The status as the service names it (COMPLETED, CANCELED, ...), or null while the run is open. */
  static String name(WorkflowExecutionStatus s) {
    return s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING ? null
        : s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }
}
