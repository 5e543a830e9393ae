package io.stepcarecovery.cli;

import picocli.CommandLine.Parameters;

/** The schedule a subcommand acts on, as {@code schedule apply} and {@code schedule list} print it. */
final class ScheduleIdOption {
  @Parameters(index = "0", paramLabel = "SCHEDULE_ID",
      description = "The schedule's id, e.g. " + SchedulePlan.ID_PREFIX + "backup-main (schedule list shows them).")
  String id;
}
