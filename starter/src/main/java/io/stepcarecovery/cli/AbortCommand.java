package io.stepcarecovery.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "abort", mixinStandardHelpOptions = true,
    description = {"End a restore or recover that waits at its approval gate, with nothing changed"
        + " and the CA lock released. Sends the workflow signal 'abort' with the reason.",
        "Exit 0 when aborted, 1 when the run cannot take it (ended, or past its gate: use cancel),"
            + " 2 for a wrong id or usage."})
final class AbortCommand extends GateAnswerCommand {
  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the run's history.")
  String reason;

  @Override
  boolean approves() {
    return false;
  }

  @Override
  String reason() {
    return reason;
  }
}
