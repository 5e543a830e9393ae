package io.stepcarecovery.ca;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.probe.HealthReport;
import io.stepcarecovery.probe.ProbeActivities;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Starts a CA that a workflow stopped, and does not give up. This is the compensation of every
 * "stop the CA" step: it runs in a detached cancellation scope so that neither a failure nor a
 * cancellation of the workflow can leave the CA down because of us. While the CA will not come
 * back it says so loudly: in the log, and through {@code onStillDown} (current details).
 */
public final class CaStarter {
  private static final Logger log = Workflow.getLogger(CaStarter.class);
  private static final int HEALTH_TIMEOUT_SECONDS = 60;

  private final CaDescription ca;

  public CaStarter(CaDescription ca) {
    this.ca = ca;
  }

  /** Starts the CA and waits for /health; retried until it answers. */
  public Started startUntilHealthy(String startSummary, String healthSummary, Consumer<String> onStillDown) {
    Started[] result = new Started[1];
    Workflow.newDetachedCancellationScope(() -> {
      for (int round = 1; ; round++) {
        try {
          StartReport start = ActivityPlans.stub(CaServiceActivities.class,
              TaskQueues.forHost(ca.host()), ActivityPlans.START, startSummary).startCa(ca.name());
          HealthReport health = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED,
              ActivityPlans.probe(HEALTH_TIMEOUT_SECONDS), healthSummary)
              .awaitHealthy(ca.name(), HEALTH_TIMEOUT_SECONDS);
          result[0] = new Started(start, health, round);
          return;
        } catch (ActivityFailure e) {
          String why = Failures.rootMessage(e);
          log.error("CA {} IS STILL STOPPED after start round {}: {}. Retrying; fix the cause or"
              + " start it by hand.", ca.name(), round, why);
          onStillDown.accept("CA still stopped after " + round + " start round(s): " + why);
          Workflow.sleep(Duration.ofSeconds(Math.min(60, 5L * round)));
        }
      }
    }).run();
    return result[0];
  }

  public record Started(StartReport start, HealthReport health, int rounds) {}
}
