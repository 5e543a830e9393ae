package io.stepcarecovery.verify;

import io.stepcarecovery.checklist.ChecklistItem;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** The runbook's validation checklist alone, against a running platform. */
@WorkflowInterface
public interface VerifyWorkflow {
  @WorkflowMethod(name = "VerifyWorkflow")
  List<ChecklistItem> verify(VerifyRequest request);
}
