package io.stepcarecovery.cli;

import io.stepcarecovery.worker.TemporalSession;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = {"Cancel a running workflow. A CA that the workflow stopped is still started again,"
        + " and data it moved aside is put back: those compensations run even when cancelled.",
        "Returns once the cancellation is requested; 'watch ID' shows it wind down."})
final class CancelCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      session.client().newUntypedWorkflowStub(id).cancel();
      spec.commandLine().getOut().println("Cancellation of " + id + " requested; follow it with: stepca-recovery watch " + id);
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }
}
