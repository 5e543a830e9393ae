package io.stepcarecovery.backup;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.stepcarecovery.progress.Step;
import java.util.List;

@WorkflowInterface
public interface BackupWorkflow {
  @WorkflowMethod(name = "BackupWorkflow")
  BackupResult backup(BackupRequest request);

  /** The runbook steps with their state, for the CLI and anyone watching. */
  @QueryMethod
  List<Step> progress();
}
