package io.stepcarecovery.progress;

/** One runbook step as a watcher sees it. */
public record Step(int number, String title, String target, State state, String detail) {
  public enum State { PENDING, RUNNING, DONE, FAILED, SKIPPED }

  public Step with(State newState, String newDetail) {
    return new Step(number, title, target, newState, newDetail);
  }
}
