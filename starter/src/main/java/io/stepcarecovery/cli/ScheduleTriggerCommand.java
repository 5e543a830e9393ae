package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "trigger", mixinStandardHelpOptions = true,
    description = {"Start a schedule's run now, as if its time had come: the same workflow and input, the"
        + " same overlap policy (skip: nothing starts while its previous run is still going). `schedule"
        + " list` then shows it among the recent runs; `watch ID` follows it."})
final class ScheduleTriggerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ScheduleIdOption schedule;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return ScheduleService.onSchedule(common, spec.commandLine(), schedule.id, "PatchSchedule (trigger)",
        h -> h.trigger(), "triggered", "Triggered " + schedule.id
            + " (skipped by the service if its previous run is still going)");
  }
}
