package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pause", mixinStandardHelpOptions = true,
    description = {"Pause a schedule: it starts no run until unpaused (a run already going goes on)."
        + " `schedule apply` keeps a schedule paused."})
final class SchedulePauseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ScheduleIdOption schedule;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
      description = "Why, kept as the schedule's note (shown by schedule list).")
  String reason;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String note = reason.isBlank() ? "paused by stepca-recovery schedule pause" : reason;
    return ScheduleService.onSchedule(common, spec.commandLine(), schedule.id, "PatchSchedule (pause)",
        h -> h.pause(note), "paused", "Paused " + schedule.id);
  }
}
