package io.stepcarecovery.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code schedule}: the Temporal Schedules that run each CA's backups and drills on their own. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = {
        "Temporal Schedules that run each CA's backups and restore drills on their own, from the"
            + " config's cas[].schedule: {backup: CRON_OR_INTERVAL, drill: CRON_OR_INTERVAL, jitter: DURATION}.",
        "",
        "Needs a Temporal service with Schedules (a cluster, or `temporal server start-dev`): against"
            + " one without (the dev-server, the embedded mode) each subcommand exits 2 and says so; "
            + ScheduleService.SYSTEMD_ALTERNATIVE + "."},
    subcommands = {ScheduleApplyCommand.class, ScheduleListCommand.class, SchedulePauseCommand.class,
        ScheduleUnpauseCommand.class, ScheduleTriggerCommand.class, ScheduleDeleteCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the service refused or failed",
        "2:usage or config error, a service without Schedules, or an unknown schedule id"})
final class ScheduleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: "
        + String.join(", ", spec.subcommands().keySet()) + " (stepca-recovery schedule SUBCOMMAND --help says more)");
  }
}
