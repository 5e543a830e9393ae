package io.stepcarecovery.cli;

import io.stepcarecovery.progress.Step;
import java.util.List;

/**
 * The steps of a run that ended without finishing them. A cancelled (or terminated, timed-out)
 * run's last published progress still says "running" for the step it was in and "pending" for
 * the rest; read after the run ended, that is false: nothing runs any more.
 */
final class EndedSteps {
  private EndedSteps() {}

  /** @param status the run's status as the service names it (RUNNING, COMPLETED, CANCELED, ...) */
  static List<Step> of(List<Step> steps, String status) {
    if (status.equals("RUNNING") || status.equals("COMPLETED") || status.equals("CONTINUED_AS_NEW")) {
      return steps;
    }
    String how = status.equals("CANCELED") ? "cancelled" : status.toLowerCase().replace('_', ' ');
    return steps.stream().map(s -> switch (s.state()) {
      case RUNNING -> s.with(Step.State.SKIPPED, how + " before it finished"
          + (s.detail() == null || s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
      case PENDING -> s.with(Step.State.SKIPPED, "not run: the run was " + how);
      default -> s;
    }).toList();
  }
}
