package io.stepcarecovery.cli;

import io.stepcarecovery.restore.PlannedRestore;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.List;

/**
 * For watch: a run that waits at its approval gate says how to answer it, once. Returns as soon
 * as that is said, or when the run cannot wait any more (ended, verified without a gate, or not
 * a restore or recovery at all).
 */
final class GateWatch {
  private static final List<String> GATED = List.of("RestoreWorkflow", "RecoveryWorkflow");

  private GateWatch() {}

  static void sayHowToAnswer(TemporalSession session, String id, RunContext ctx, PrintWriter err)
      throws InterruptedException {
    WorkflowStub stub = session.client().newUntypedWorkflowStub(id);
    while (true) {
      var info = session.client().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(session.client().getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
          .getWorkflowExecutionInfo();
      if (!GATED.contains(info.getType().getName())
          || info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return;
      }
      if (GateAnswer.waitingAtGate(stub)) {
        PlannedRestore planned = planned(stub);
        err.println("Run " + id + " waits for approval" + (planned == null || planned.approvalDeadline() == null
            ? "" : " until " + planned.approvalDeadline()) + " before it replaces any live data.");
        err.println("  approve: " + ApprovalHints.approve(ctx, id));
        err.println("  abort:   " + ApprovalHints.abort(ctx, id));
        err.flush();
        return;
      }
      if (planned(stub) != null) {
        return; // verified and not waiting: started with --yes, or past its gate
      }
      Thread.sleep(500);
    }
  }

  private static PlannedRestore planned(WorkflowStub stub) {
    try {
      return stub.query("plannedRestore", PlannedRestore.class);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
