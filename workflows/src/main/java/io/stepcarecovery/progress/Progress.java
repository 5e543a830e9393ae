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

  /** @param runbook every step of the workflow, in order ({@code RestoreStep.values()}) */
  public Progress(RunbookStep[] runbook) {
    for (RunbookStep s : runbook) {
      steps.add(new Step(s.number(), s.label(), "", Step.State.PENDING, ""));
    }
  }

  public int size() {
    return steps.size();
  }

  public Step step(RunbookStep s) {
    return steps.get(s.number() - 1);
  }

  /** The summary an activity of this step carries: {@code Step 4/6 · Start CA · ca1}. */
  public String summary(RunbookStep s, String target) {
    return "Step " + s.number() + "/" + steps.size() + " · " + step(s).title()
        + (target == null || target.isEmpty() ? "" : " · " + target);
  }

  public void running(RunbookStep s, String target) {
    Step was = step(s);
    steps.set(s.number() - 1, new Step(s.number(), was.title(), target == null ? was.target() : target,
        Step.State.RUNNING, ""));
    publish();
  }

  public void running(RunbookStep s, String target, String detail) {
    running(s, target);
    set(s.number(), Step.State.RUNNING, detail);
  }

  public void done(RunbookStep s, String detail) {
    set(s.number(), Step.State.DONE, detail);
  }

  /**
   * The step ended in failure, or, when this run is being cancelled, was cancelled: a cancelled
   * activity reaches workflow code as the same {@code ActivityFailure} a failed one does, and the
   * step's catch block calls this either way. Compensations run in detached scopes, which are not
   * cancelled: their failures stay failures.
   */
  public void failed(RunbookStep s, String detail) {
    set(s.number(), failedOrCancelled(), detail);
  }

  public void cancelled(RunbookStep s, String detail) {
    set(s.number(), Step.State.CANCELLED, detail);
  }

  public void skipped(RunbookStep s, String detail) {
    set(s.number(), Step.State.SKIPPED, detail);
  }

  /** Marks every step still running as failed, with the failure that ended them. */
  public void failRunning(String detail) {
    for (Step s : List.copyOf(steps)) {
      if (s.state() == Step.State.RUNNING) {
        set(s.number(), failedOrCancelled(), detail);
      }
    }
  }

  /** FAILED, or CANCELLED while this run's cancellation is requested (see {@link #failed}). */
  private static Step.State failedOrCancelled() {
    return CancellationScope.current().isCancelRequested() ? Step.State.CANCELLED : Step.State.FAILED;
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
    steps.set(number - 1, steps.get(number - 1).with(state, detail == null ? "" : detail));
    publish();
  }

  private void publish() {
    Workflow.setCurrentDetails(markdown());
  }
}
