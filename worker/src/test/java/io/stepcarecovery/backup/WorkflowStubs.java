package io.stepcarecovery.backup;

import io.temporal.client.WorkflowStub;

final class WorkflowStubs {
  private WorkflowStubs() {}

  static String id(Object typedStub) {
    return WorkflowStub.fromTyped(typedStub).getExecution().getWorkflowId();
  }
}
