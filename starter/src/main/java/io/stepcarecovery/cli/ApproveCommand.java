package io.stepcarecovery.cli;

import picocli.CommandLine.Command;

@Command(name = "approve", mixinStandardHelpOptions = true,
    description = {"Approve a restore or recover that waits at its approval gate (started without"
        + " --yes): it goes on to replace the CA's live data. Sends the workflow signal 'approve'.",
        "Exit 0 when approved, 1 when the run cannot take it (ended, or not waiting), 2 for a wrong"
            + " id or usage."})
final class ApproveCommand extends GateAnswerCommand {
  @Override
  boolean approves() {
    return true;
  }
}
