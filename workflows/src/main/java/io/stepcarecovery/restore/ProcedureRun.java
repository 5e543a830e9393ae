package io.stepcarecovery.restore;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.Step;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.function.Function;

/**
 * What the restore and the recovery workflow share around their {@link RestoreProcedure}: the
 * input check, the describe where the workflow runs, the CA lock released at the end whatever
 * happened, and the approval gate's signals and queries. Each workflow holds one and forwards
 * its interface methods to it.
 */
public final class ProcedureRun {
  private final Progress progress;
  private final RestoreProcedure.StepNumbers steps;
  private final RestoreProcedure procedure;

  public ProcedureRun(Progress progress, RestoreProcedure.StepNumbers steps) {
    this.progress = progress;
    this.steps = steps;
    this.procedure = new RestoreProcedure(progress, steps);
  }

  /**
   * Checks the input, runs the workflow's body, then gives the CA back.
   *
   * @param kind "restore" or "recovery", for the message of a request without a CA name
   */
  public <T> T run(RestoreRequest request, String kind, Function<RestoreRequest, T> body) {
    try {
      if (request == null || request.ca() == null || request.ca().isBlank()) {
        throw ApplicationFailure.newNonRetryableFailure(
            kind + " input needs a CA name, e.g. {\"ca\":\"main\",\"backup\":\"latest\"}", "BadInput");
      }
      return body.apply(request);
    } finally {
      procedure.release();
    }
  }

  /**
   * The probe activities that describe the CA from the config read where the workflow runs (a
   * local activity), reporting on the verify step.
   */
  public ProbeActivities describer(String ca) {
    return ActivityPlans.local(ProbeActivities.class, ActivityPlans.LOCAL_QUICK,
        progress.summary(steps.verify(), ca));
  }

  public RestoreProcedure procedure() {
    return procedure;
  }

  public void approve(String by) {
    procedure.approve(by);
  }

  public void abort(String reason) {
    procedure.abort(reason);
  }

  public PlannedRestore planned() {
    return procedure.planned();
  }

  public List<Step> progress() {
    return progress.steps();
  }
}
