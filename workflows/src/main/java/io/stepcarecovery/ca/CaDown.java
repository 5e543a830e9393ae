package io.stepcarecovery.ca;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.HostCheckActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * The failure a run ends with when the CA it stopped does not start again: "CA NAME IS DOWN"
 * first (whoever reads one line reads that), then why (the checklist's service-status check on
 * the CA host: the failure-mode table applied to the CA's log since its last start), then the
 * command that brings it back. The diagnosis and action are built from names and paths only; log
 * lines are not quoted (step-ca logs a database DSN with its password).
 */
public final class CaDown {
  /** The failure type; the CLI completes the command in the message with its own options. */
  public static final String TYPE = "CaDown";

  private CaDown() {}

  /** Asks the CA host why (bounded: 30 s for a worker, one attempt), then builds the failure. */
  static ApplicationFailure failure(CaDescription ca, int rounds, String lastFailure) {
    String[] why = {null};
    Workflow.newDetachedCancellationScope(() -> {
      try {
        List<ChecklistItem> items = Workflow.newActivityStub(HostCheckActivities.class,
            ActivityOptions.newBuilder(ActivityPlans.QUICK)
                .setTaskQueue(TaskQueues.forHost(ca.host()))
                .setScheduleToStartTimeout(Duration.ofSeconds(30))
                .setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .setSummary("Diagnose why CA " + ca.name() + " does not start")
                .build()).checkServiceStatus(ca.name());
        why[0] = diagnosis(items);
      } catch (ActivityFailure e) {
        why[0] = "no diagnosis: the CA host could not be asked (" + Failures.rootMessage(e) + ")";
      }
    }).run();
    return ApplicationFailure.newNonRetryableFailure(message(ca.name(), rounds, lastFailure, why[0]), TYPE, ca.name());
  }

  /** The first failed item with a diagnosis: the log's known failure wins over "not running". */
  static String diagnosis(List<ChecklistItem> items) {
    ChecklistItem best = null;
    for (ChecklistItem i : items) {
      if (i.isFailed() && i.diagnosis() != null && (best == null || i.item().contains("startup"))) {
        best = i;
      }
    }
    return best == null ? "no diagnosis from its service status and log"
        : best.diagnosis() + ". Action: " + best.action();
  }

  static String message(String ca, int rounds, String lastFailure, String diagnosis) {
    String last = lastFailure == null ? "" : lastFailure.lines().findFirst().orElse("");
    return "CA " + ca + " IS DOWN: it did not start again after " + rounds + " start round(s); last: "
        + last + ". Diagnosis: " + diagnosis + ". Once the cause is fixed, start it from a good backup"
        + " with: " + recoverCommand(ca);
  }

  public static String recoverCommand(String ca) {
    return "stepca-recovery recover --ca " + ca;
  }
}
