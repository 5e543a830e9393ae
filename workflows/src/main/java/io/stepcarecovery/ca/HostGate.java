package io.stepcarecovery.ca;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.RunbookStep;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The first call a run makes to a CA host. If no worker polls that host's queue, the run says so
 * while it waits (progress, current details, log) and gives up after a deadline with a clear
 * failure — before it has stopped or changed anything.
 *
 * <p>The default deadline is 60 s and the wait is reported after 5 s: a person at a terminal must
 * learn within 10 s that nothing will happen until a worker runs.
 */
public final class HostGate {
  private static final Logger log = Workflow.getLogger(HostGate.class);
  public static final int DEFAULT_DEADLINE_SECONDS = 60;
  /** When the wait is reported: a person at a terminal must learn within 10 s that nothing happens. */
  private static final int NOTICE_SECONDS = 5;
  /** The failure type when no worker came; the CLI completes the command in its message. */
  public static final String NO_WORKER = "NoWorker";

  private HostGate() {}

  public static int deadline(Integer requested) {
    if (requested != null && requested > 0) {
      return requested;
    }
    return DEFAULT_DEADLINE_SECONDS;
  }

  /** The command that starts the missing worker; the CLI adds --config and --temporal. */
  public static String workerCommand(String host) {
    return "stepca-recovery worker --host " + host;
  }

  /** The options of a gated call: the deadline is how long it may wait for a worker. */
  public static ActivityOptions options(ActivityOptions plan, int deadlineSeconds) {
    return ActivityOptions.newBuilder(plan).setScheduleToStartTimeout(Duration.ofSeconds(deadlineSeconds)).build();
  }

  public static <T> T call(Progress progress, RunbookStep step, String host, int deadlineSeconds, Functions.Func<T> call) {
    Promise<T> result = Async.function(call);
    Duration notice = Duration.ofSeconds(Math.max(1, Math.min(NOTICE_SECONDS, deadlineSeconds / 2)));
    if (!Workflow.await(notice, result::isCompleted)) {
      String waiting = "waiting for a worker on " + TaskQueues.forHost(host) + " (gives up after "
          + deadlineSeconds + " s): is '" + workerCommand(host) + "' running on " + host + "?";
      log.warn("{}", waiting);
      progress.running(step, null, waiting);
    }
    try {
      return result.get();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof TimeoutFailure t && t.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        throw ApplicationFailure.newNonRetryableFailure("no worker polled " + TaskQueues.forHost(host)
            + " within " + deadlineSeconds + " s. Nothing was stopped or changed. On " + host
            + ", start: " + workerCommand(host) + " — then run again.", NO_WORKER, host);
      }
      throw e;
    }
  }
}
