package io.stepcarecovery;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Timeouts and retry policies, one per kind of work, so every step of every workflow is bounded
 * and retried in a way that fits what it does. Stubs are made per call so that each activity
 * carries the summary of its runbook step (what the Temporal UI shows on the event).
 */
public final class ActivityPlans {
  private ActivityPlans() {}

  /** Reading config, service status: quick, and worth a few tries. */
  public static final ActivityOptions QUICK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(60))
      .setRetryOptions(retries(3, Duration.ofSeconds(1), Duration.ofSeconds(10)))
      .build();

  /** Stop and start of a service: step-ca takes about 2 s to close badger on SIGTERM. */
  public static final ActivityOptions SERVICE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(retries(5, Duration.ofSeconds(2), Duration.ofSeconds(30)))
      .build();

  /**
   * Starting a service returns once it is spawned (health is probed apart), so a worker that dies
   * mid-start is noticed within 30 s.
   */
  public static final ActivityOptions START = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(retries(5, Duration.ofSeconds(2), Duration.ofSeconds(30)))
      .build();

  /**
   * Starting a CA on freshly restored data: if it dies at once, the data is the problem and
   * retrying the same start only delays the rollback.
   */
  public static final ActivityOptions START_RESTORED = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(retries(2, Duration.ofSeconds(2), Duration.ofSeconds(5)))
      .build();

  /** Copies and archives: long, heartbeating, so a dead worker is noticed in seconds. */
  public static final ActivityOptions BULK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofSeconds(10))
      .setRetryOptions(retries(5, Duration.ofSeconds(2), Duration.ofMinutes(1)))
      .build();

  /**
   * An off-host copy: long and heartbeating like {@link #BULK}, but a store that is down stays
   * down for a while, so few retries: the run reports that copy failed instead of waiting.
   */
  public static final ActivityOptions COPY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofSeconds(30))
      .setRetryOptions(retries(3, Duration.ofSeconds(2), Duration.ofSeconds(10)))
      .build();

  /** Polling a CA until it answers: the poll loop heartbeats. */
  public static ActivityOptions probe(int timeoutSeconds) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(timeoutSeconds + 30L))
        .setHeartbeatTimeout(Duration.ofSeconds(15))
        .setRetryOptions(retries(2, Duration.ofSeconds(2), Duration.ofSeconds(10)))
        .build();
  }

  /**
   * Reading the config on the workflow's own worker (describe): a local activity, no round trip
   * through a task queue. Only for shared-queue activities, which run where workflows run anyway.
   */
  public static final LocalActivityOptions LOCAL_QUICK = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(retries(3, Duration.ofSeconds(1), Duration.ofSeconds(10)))
      .build();

  public static <T> T local(Class<T> activities, LocalActivityOptions plan, String summary) {
    return Workflow.newLocalActivityStub(activities,
        LocalActivityOptions.newBuilder(plan).setSummary(summary).build());
  }

  public static <T> T stub(Class<T> activities, String taskQueue, ActivityOptions plan, String summary) {
    return Workflow.newActivityStub(activities,
        ActivityOptions.newBuilder(plan).setTaskQueue(taskQueue).setSummary(summary).build());
  }

  private static RetryOptions retries(int attempts, Duration initial, Duration max) {
    return RetryOptions.newBuilder()
        .setMaximumAttempts(attempts)
        .setInitialInterval(initial)
        .setMaximumInterval(max)
        .setBackoffCoefficient(2.0)
        .build();
  }
}
