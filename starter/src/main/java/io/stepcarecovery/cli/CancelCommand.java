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
        "Returns once the cancellation is requested; 'watch ID' shows it wind down.",
        "A run that has already ended is left as it is: exit 1, saying how it ended."})
final class CancelCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      String ended = RunState.closed(session, id);
      if (ended != null) {
        // cancelling it would be a no-op the service accepts: saying "requested" would be a lie
        spec.commandLine().getErr().println(io.stepcarecovery.text.TerminalText.line("stepca-recovery: " + id + " has already ended (" + ended
            + "): nothing to cancel; see how with: stepca-recovery status" + new RunContext(null, null, common, null).options(true) + " " + id));
        spec.commandLine().getErr().flush();
        return Main.FAILED;
      }
      session.client().newUntypedWorkflowStub(id).cancel();
      spec.commandLine().getOut().println("Cancellation of " + id + " requested; follow it with: stepca-recovery watch"
          + new RunContext(null, null, common, null).options(true) + " " + id);
      spec.commandLine().getOut().flush();
      return Main.OK;
    }
  }
}
