package io.stepcarecovery.cli;

import java.io.PrintWriter;

/**
 * The commands that answer a run's approval gate, printed where the run started without --yes
 * and where it is watched, with the --config/--temporal in use so they paste as they stand. The
 * signals' names (approve, abort) are in the README for any other Temporal client.
 */
final class ApprovalHints {
  private ApprovalHints() {}

  static String approve(RunContext ctx, String id) {
    return "stepca-recovery approve" + ctx.options(true) + " " + RunContext.quote(id);
  }

  static String abort(RunContext ctx, String id) {
    return "stepca-recovery abort" + ctx.options(true) + " " + RunContext.quote(id) + " --reason 'TEXT'";
  }

  static void print(RunContext ctx, String id, PrintWriter err) {
    err.println("The run waits for approval before it replaces any live data. Approve it with:");
    err.println("  " + approve(ctx, id));
    err.println("or end it with nothing changed:");
    err.println("  " + abort(ctx, id));
    err.flush();
  }
}
