package io.stepcarecovery.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.progress.Step;
import io.stepcarecovery.restore.PlannedRestore;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.util.List;

/**
 * What approve and abort share: find the run, make sure its gate can still be answered, send
 * the signal (approve or abort, the names in the README), and say what happens next. Exit 0 when
 * the signal was sent, 1 when the run cannot take it (ended, past its gate), 2 for a wrong id.
 */
final class GateAnswer {
  private static final List<String> GATED = List.of("RestoreWorkflow", "RecoveryWorkflow");

  private GateAnswer() {}

  /** @param reason abort's reason, or null to approve */
  static int send(TemporalSession session, String id, boolean approve, String reason, RunContext ctx,
      PrintWriter out) {
    String what = approve ? "approve" : "abort";
    DescribeWorkflowExecutionResponse d;
    try {
      d = session.client().getWorkflowServiceStubs().blockingStub()
          .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(session.client().getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new ConfigException("no run " + TerminalText.line(id) + " in namespace "
            + session.client().getOptions().getNamespace() + " at " + session.address()
            + ": check the id the restore or recover printed");
      }
      throw e;
    }
    String type = d.getWorkflowExecutionInfo().getType().getName();
    if (!GATED.contains(type)) {
      throw new ConfigException("run " + TerminalText.line(id) + " is a " + type
          + ": only restore and recover runs wait for approval");
    }
    WorkflowExecutionStatus status = d.getWorkflowExecutionInfo().getStatus();
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      out.println("run " + TerminalText.line(id) + " has already ended ("
          + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "") + "): nothing to " + what
          + "; see it with: stepca-recovery status" + ctx.options(true) + " " + RunContext.quote(id));
      out.flush();
      return Main.FAILED;
    }
    WorkflowStub stub = session.client().newUntypedWorkflowStub(id);
    boolean waiting = waitingAtGate(stub);
    if (!waiting && planned(stub) != null) {
      out.println("run " + TerminalText.line(id) + " does not wait for approval (it was started with --yes,"
          + " or is past its gate): " + what + " cannot change it; to stop it: stepca-recovery cancel"
          + ctx.options(true) + " " + RunContext.quote(id));
      out.flush();
      return Main.FAILED;
    }
    String by = System.getProperty("user.name");
    if (approve) {
      stub.signal("approve", by);
    } else {
      stub.signal("abort", reason == null || reason.isBlank() ? "aborted by " + by : reason + " (" + by + ")");
    }
    out.println((approve ? "Approved" : "Aborted") + ": run " + TerminalText.line(id) + (waiting
        ? (approve ? " goes on to replace the live data." : " ends with nothing changed and the CA lock released.")
        : " is still verifying its backup; it " + (approve ? "goes on" : "ends with nothing changed")
            + " once verified."));
    out.println("Follow it with: stepca-recovery watch" + ctx.options(true) + " " + RunContext.quote(id));
    out.flush();
    return Main.OK;
  }

  /** The run's approval step is running and waits for a signal. */
  static boolean waitingAtGate(WorkflowStub stub) {
    try {
      for (Step s : stub.query("progress", Step[].class)) {
        if (s.state() == Step.State.RUNNING && s.detail() != null && s.detail().contains("waiting for approve")) {
          return true;
        }
      }
    } catch (RuntimeException e) {
      return false;
    }
    return false;
  }

  private static PlannedRestore planned(WorkflowStub stub) {
    try {
      return stub.query("plannedRestore", PlannedRestore.class);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
