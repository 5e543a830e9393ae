package io.stepcarecovery.progress;

/** One runbook step as a watcher sees it. */
public record Step(int number, String title, String target, State state, String detail) {
  /**
   * CANCELLED: the run was cancelled before this step finished (or before it began). Not FAILED:
   * nothing went wrong in the step, someone stopped the run.
   */
  public enum State { PENDING, RUNNING, DONE, FAILED, SKIPPED, CANCELLED }

  public Step with(State newState, String newDetail) {
    return new Step(number, title, target, newState, newDetail);
  }
}
