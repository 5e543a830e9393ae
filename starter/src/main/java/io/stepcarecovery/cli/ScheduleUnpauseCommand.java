package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "unpause", mixinStandardHelpOptions = true,
    description = {"Unpause a schedule: its next run starts at its next time (a missed time within the"
        + " catch-up window of a day starts at once)."})
final class ScheduleUnpauseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ScheduleIdOption schedule;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
      description = "Why, kept as the schedule's note (shown by schedule list).")
  String reason;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String note = reason.isBlank() ? "unpaused by stepca-recovery schedule unpause" : reason;
    return ScheduleService.onSchedule(common, spec.commandLine(), schedule.id, "PatchSchedule (unpause)",
        h -> h.unpause(note), "unpaused", "Unpaused " + schedule.id);
  }
}
