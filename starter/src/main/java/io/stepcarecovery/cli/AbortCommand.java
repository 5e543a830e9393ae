package io.stepcarecovery.cli;

import io.stepcarecovery.worker.TemporalSession;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "abort", mixinStandardHelpOptions = true,
    description = {"End a restore or recover that waits at its approval gate, with nothing changed"
        + " and the CA lock released. Sends the workflow signal 'abort' with the reason.",
        "Exit 0 when aborted, 1 when the run cannot take it (ended, or past its gate: use cancel),"
            + " 2 for a wrong id or usage."})
final class AbortCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID", description = "e.g. restore-main-20261127T031500Z")
  String id;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the run's history.")
  String reason;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      return GateAnswer.send(session, id, false, reason,
          new RunContext(null, null, common, spec.commandLine().getErr()), spec.commandLine().getOut());
    }
  }
}
