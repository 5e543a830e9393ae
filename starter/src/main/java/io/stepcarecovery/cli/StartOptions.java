package io.stepcarecovery.cli;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.worker.RunbookAttributes;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowOptions;

/**
 * How the CLI starts a runbook workflow: a readable id, a summary and details the Temporal UI
 * shows from the start, and the search attributes where the service has them.
 */
final class StartOptions {
  private StartOptions() {}

  static WorkflowOptions of(TemporalSession session, String kind, String ca, String reason, String details) {
    String id = WorkflowIds.of(kind, ca);
    WorkflowOptions.Builder b = WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED)
        .setWorkflowId(id)
        .setStaticSummary(capitalized(kind) + " of CA " + ca + (reason == null || reason.isBlank() ? "" : " — " + reason))
        .setStaticDetails(details + "\n\nStarted by `stepca-recovery " + kind + "` as "
            + System.getProperty("user.name") + "; Temporal: " + session.address() + ".");
    if (session.hasSearchAttributes()) {
      b.setTypedSearchAttributes(RunbookAttributes.of(ca, kind, reason));
    }
    return b.build();
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
