package io.stepcarecovery.ca;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.progress.Progress;
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
 * <p>Version {@value #SHORT_WAIT} (1): the default deadline is 60 s, not 600 s, and the wait is
 * reported after 5 s, not 15 s: a person at a terminal must learn within 10 s that nothing will
 * happen until a worker runs. Older histories replay with the old values.
 */
public final class HostGate {
  private static final Logger log = Workflow.getLogger(HostGate.class);
  static final String SHORT_WAIT = "short-worker-wait";
  public static final int DEFAULT_DEADLINE_SECONDS = 60;
  private static final int OLD_DEFAULT_DEADLINE_SECONDS = 600;
  /** The failure type when no worker came; the CLI completes the command in its message. */
  public static final String NO_WORKER = "NoWorker";

  private HostGate() {}

  public static int deadline(Integer requested) {
    if (requested != null && requested > 0) {
      return requested;
    }
    return shortWait() ? DEFAULT_DEADLINE_SECONDS : OLD_DEFAULT_DEADLINE_SECONDS;
  }

  private static boolean shortWait() {
    return Workflow.getVersion(SHORT_WAIT, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** The command that starts the missing worker; the CLI adds --config and --temporal. */
  public static String workerCommand(String host) {
    return "stepca-recovery worker --host " + host;
  }

  /** The options of a gated call: the deadline is how long it may wait for a worker. */
  public static ActivityOptions options(ActivityOptions plan, int deadlineSeconds) {
    return ActivityOptions.newBuilder(plan).setScheduleToStartTimeout(Duration.ofSeconds(deadlineSeconds)).build();
  }

  public static <T> T call(Progress progress, int step, String host, int deadlineSeconds, Functions.Func<T> call) {
    Promise<T> result = Async.function(call);
    Duration notice = Duration.ofSeconds(Math.max(1, Math.min(shortWait() ? 5 : 15, deadlineSeconds / 2)));
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
