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
 * Starts a CA that a workflow stopped. This is the compensation of every "stop the CA" step: it
 * runs in a detached cancellation scope so that neither a failure nor a cancellation of the
 * workflow can leave the CA down because of us. While the CA will not come back it says so
 * loudly: in the log, and through {@code onStillDown} (current details).
 *
 * <p>It tries a bounded number of rounds (each round: the START plan's attempts, then /health),
 * then fails the run with "CA NAME IS DOWN", the diagnosis from the CA's log and the command that
 * fixes it ({@link CaDown}): a CA that refused every round will not start by waiting, and a run
 * that never ends hides the outage from the person who could fix it.
 */
public final class CaStarter {
  private static final Logger log = Workflow.getLogger(CaStarter.class);
  private static final int HEALTH_TIMEOUT_SECONDS = 60;
  /** Each round is already up to 5 start attempts over ~30 s (ActivityPlans.START) and /health. */
  public static final int DEFAULT_ROUNDS = 3;

  private final CaDescription ca;
  private final int rounds;

  public CaStarter(CaDescription ca) {
    this(ca, DEFAULT_ROUNDS);
  }

  /** @param rounds how many start rounds before the run fails with the CA down (at least 1) */
  public CaStarter(CaDescription ca, int rounds) {
    this.ca = ca;
    this.rounds = Math.max(1, rounds);
  }

  /**
   * Starts the CA and waits for /health, round after round.
   *
   * @throws io.temporal.failure.ApplicationFailure non-retryable, type {@link CaDown#TYPE}, when
   *     the CA did not start within the rounds
   */
  public Started startUntilHealthy(String startSummary, String healthSummary, Consumer<String> onStillDown) {
    Started[] result = new Started[1];
    String[] lastFailure = new String[1];
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
          // The first line: a failed start appends the CA's last log lines, whose request lines
          // carry one-time tokens; the diagnosis reads the log on the CA host instead.
          String why = Failures.rootMessage(e).lines().findFirst().orElse("");
          lastFailure[0] = why;
          boolean last = round >= rounds;
          log.error("CA {} IS STILL STOPPED after start round {} of {}: {}. {}", ca.name(), round,
              rounds, why, last ? "Giving up." : "Retrying; fix the cause or start it by hand.");
          onStillDown.accept("CA still stopped after " + round + " start round(s) of " + rounds + ": " + why);
          if (last) {
            return;
          }
          Workflow.sleep(Duration.ofSeconds(Math.min(60, 5L * round)));
        }
      }
    }).run();
    if (result[0] == null) {
      throw CaDown.failure(ca, rounds, lastFailure[0]);
    }
    return result[0];
  }

  public record Started(StartReport start, HealthReport health, int rounds) {}
}
