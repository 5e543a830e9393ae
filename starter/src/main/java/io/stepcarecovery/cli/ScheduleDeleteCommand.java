package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "delete", mixinStandardHelpOptions = true,
    description = {"Delete a schedule: no more runs from it (a run already going goes on; backups it made stay)."
        + " `schedule apply` creates it again while the config still has it."})
final class ScheduleDeleteCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin ScheduleIdOption schedule;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return ScheduleService.onSchedule(common, spec.commandLine(), schedule.id, "DeleteSchedule",
        h -> h.delete(), "deleted", "Deleted " + schedule.id);
  }
}
