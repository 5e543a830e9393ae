package io.stepcarecovery.progress;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The runbook steps of one workflow run and their state. Lives inside workflow code, so it only
 * uses {@code Workflow.*}; every change is mirrored into the run's current details (a short
 * Markdown checklist the Temporal UI shows) and is what the {@code progress} query returns.
 */
public final class Progress {
  private final List<Step> steps = new ArrayList<>();

  public Progress(List<String> titles) {
    for (int i = 0; i < titles.size(); i++) {
      steps.add(new Step(i + 1, titles.get(i), "", Step.State.PENDING, ""));
    }
  }

  public int size() {
    return steps.size();
  }

  public Step step(int number) {
    return steps.get(number - 1);
  }

  /** The summary an activity of this step carries: {@code Step 4/6 · Start CA · ca1}. */
  public String summary(int number, String target) {
    return "Step " + number + "/" + steps.size() + " · " + step(number).title()
        + (target == null || target.isEmpty() ? "" : " · " + target);
  }

  public void running(int number, String target) {
    Step s = step(number);
    steps.set(number - 1, new Step(number, s.title(), target == null ? s.target() : target,
        Step.State.RUNNING, ""));
    publish();
  }

  public void running(int number, String target, String detail) {
    running(number, target);
    set(number, Step.State.RUNNING, detail);
  }

  public void done(int number, String detail) {
    set(number, Step.State.DONE, detail);
  }

  /**
   * The step ended in failure, or, when this run is being cancelled, was cancelled: a cancelled
   * activity reaches workflow code as the same {@code ActivityFailure} a failed one does, and the
   * step's catch block calls this either way. Compensations run in detached scopes, which are not
   * cancelled: their failures stay failures.
   */
  public void failed(int number, String detail) {
    set(number, CancellationScope.current().isCancelRequested() ? Step.State.CANCELLED : Step.State.FAILED, detail);
  }

  public void cancelled(int number, String detail) {
    set(number, Step.State.CANCELLED, detail);
  }

  public void skipped(int number, String detail) {
    set(number, Step.State.SKIPPED, detail);
  }

  public List<Step> steps() {
    return List.copyOf(steps);
  }

  public String markdown() {
    StringBuilder md = new StringBuilder();
    for (Step s : steps) {
      String box = switch (s.state()) {
        case DONE -> "[x]";
        case SKIPPED, CANCELLED -> "[-]";
        default -> "[ ]";
      };
      md.append("- ").append(box).append(' ').append(s.number()).append(". ").append(s.title());
      if (!s.target().isEmpty()) {
        md.append(" · ").append(s.target());
      }
      if (s.state() == Step.State.RUNNING) {
        md.append(" — **running**");
      } else if (s.state() == Step.State.FAILED) {
        md.append(" — **FAILED**");
      } else if (s.state() == Step.State.CANCELLED) {
        md.append(" — **cancelled**");
      }
      if (!s.detail().isEmpty()) {
        md.append(": ").append(s.detail());
      }
      md.append('\n');
    }
    return md.toString();
  }

  private void set(int number, Step.State state, String detail) {
    steps.set(number - 1, step(number).with(state, detail == null ? "" : detail));
    publish();
  }

  private void publish() {
    Workflow.setCurrentDetails(markdown());
  }
}
