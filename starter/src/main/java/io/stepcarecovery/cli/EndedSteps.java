package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import java.util.List;

/**
 * The steps of a run that ended without finishing them. A cancelled (or terminated, timed-out)
 * run's last published progress still says "running" for the step it was in and "pending" for
 * the rest; read after the run ended, that is false: nothing runs any more. A cancelled run's
 * unfinished steps read "cancelled"; those of a run ended otherwise read as skipped, saying how.
 */
final class EndedSteps {
  private EndedSteps() {}

  /** @param status the run's status as the service names it (RUNNING, COMPLETED, CANCELED, ...), or null */
  static List<Step> of(List<Step> steps, String status) {
    if (status == null || status.equals("RUNNING") || status.equals("COMPLETED")
        || status.equals("CONTINUED_AS_NEW")) {
      return steps;
    }
    if (status.equals("CANCELED")) {
      return steps.stream().map(s -> switch (s.state()) {
        case RUNNING -> s.with(Step.State.CANCELLED, "before it finished" + formerly(s));
        case PENDING -> s.with(Step.State.CANCELLED, "not run");
        default -> s;
      }).toList();
    }
    String how = status.toLowerCase().replace('_', ' ');
    return steps.stream().map(s -> switch (s.state()) {
      case RUNNING -> s.with(Step.State.SKIPPED, how + " before it finished" + formerly(s));
      case PENDING -> s.with(Step.State.SKIPPED, "not run: the run was " + how);
      default -> s;
    }).toList();
  }

  private static String formerly(Step s) {
    return s.detail() == null || s.detail().isEmpty() ? "" : " (" + s.detail() + ")";
  }
}
