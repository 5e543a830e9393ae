package io.stepcarecovery.cli;

import io.stepcarecovery.worker.TemporalSession;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "approve", mixinStandardHelpOptions = true,
    description = {"Approve a restore or recover that waits at its approval gate (started without"
        + " --yes): it goes on to replace the CA's live data. Sends the workflow signal 'approve'.",
        "Exit 0 when approved, 1 when the run cannot take it (ended, or not waiting), 2 for a wrong"
            + " id or usage."})
final class ApproveCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID", description = "e.g. restore-main-20261127T031500Z")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      return GateAnswer.send(session, id, true, null,
          new RunContext(null, null, common, spec.commandLine().getErr()), spec.commandLine().getOut());
    }
  }
}
