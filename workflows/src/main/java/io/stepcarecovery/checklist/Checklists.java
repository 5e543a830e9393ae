package io.stepcarecovery.checklist;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the runbook's validation checks from workflow code: the service status on the CA host,
 * everything else from a client's point of view. A check that itself errors (rather than
 * reporting a failed item) is retried a few times, then becomes a failed item.
 */
public final class Checklists {
  private static final List<String> GROUPS =
      List.of(ChecklistItem.SERVICE_STATUS, ChecklistItem.TRUST, ChecklistItem.PLATFORM);
  /** The runbook's checklist, in its order. */
  private static final List<String> ITEMS = List.of("Step-CA running", "No startup errors",
      "CA database reachable", "ACME endpoint reachable", "Root CA trusted on clients", "Intermediate CA valid",
      "Certificate issuance functional", "Traefik certificates valid", "No browser TLS warnings",
      "Applications accessible");

  /** Checks make network calls with their own timeouts; a few quick retries cover blips. */
  private static final ActivityOptions CHECK = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(45))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3)
          .setInitialInterval(Duration.ofSeconds(2)).build())
      .build();

  private Checklists() {}

  public static List<ChecklistItem> serviceStatus(CaDescription ca, String summary) {
    return guarded("Step-CA running", ChecklistItem.SERVICE_STATUS, () ->
        ActivityPlans.stub(HostCheckActivities.class, TaskQueues.forHost(ca.host()), CHECK, summary)
            .checkServiceStatus(ca.name()));
  }

  public static List<ChecklistItem> acme(CaDescription ca, String summary) {
    return guarded("ACME endpoint reachable", ChecklistItem.SERVICE_STATUS, () -> validation(summary).checkAcme(ca.name()));
  }

  public static List<ChecklistItem> trust(CaDescription ca, String summary) {
    return guarded("Root CA trusted on clients", ChecklistItem.TRUST, () -> validation(summary).checkTrust(ca.name()));
  }

  public static List<ChecklistItem> issuance(CaDescription ca, String summary) {
    return guarded("Certificate issuance functional", ChecklistItem.TRUST, () -> validation(summary).checkIssuance(ca.name()));
  }

  /** Every service at once: in an outage each one is a person waiting. */
  public static List<ChecklistItem> services(CaDescription ca, List<String> urls, String summary) {
    List<Promise<List<ChecklistItem>>> all = new ArrayList<>();
    for (String url : urls) {
      all.add(Async.function(() -> guarded("Applications accessible", ChecklistItem.PLATFORM,
          () -> validation(summary + " · " + url).checkService(ca.name(), url))));
    }
    List<ChecklistItem> items = new ArrayList<>();
    for (Promise<List<ChecklistItem>> p : all) {
      items.addAll(p.get());
    }
    return items;
  }

  /** Runbook order: Service Status, Trust, Platform, and the runbook's item order within each (stable). */
  public static List<ChecklistItem> ordered(List<ChecklistItem> items) {
    List<ChecklistItem> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.<ChecklistItem>comparingInt(i -> GROUPS.indexOf(i.group()))
        .thenComparingInt(i -> ITEMS.contains(i.item()) ? ITEMS.indexOf(i.item()) : ITEMS.size()));
    return sorted;
  }

  /**
   * No item failed: what decides a run's ok (a partial item found no problem, so it neither fails a
   * recovery nor rolls a restore back). Say what passed with {@link #tally}, never "all passed".
   */
  public static boolean allPassed(List<ChecklistItem> items) {
    return items.stream().noneMatch(ChecklistItem::isFailed);
  }

  /**
   * "All 9 checks passed" only when each one did; else what there is: "8 of 9 checks passed, 1
   * partly tested (ACME endpoint reachable)", "… 1 skipped", "… 1 FAILED". Partial and skipped
   * items are never counted as passed.
   */
  public static String tally(List<ChecklistItem> items) {
    long passed = items.stream().filter(ChecklistItem::isPassed).count();
    if (passed == items.size()) {
      return "All " + passed + " checks passed";
    }
    StringBuilder sb = new StringBuilder().append(passed).append(" of ").append(items.size()).append(" checks passed");
    List<String> partial = items.stream().filter(ChecklistItem::isPartial).map(ChecklistItem::item).toList();
    if (!partial.isEmpty()) {
      sb.append(", ").append(partial.size()).append(" partly tested (").append(String.join(", ", partial)).append(')');
    }
    long skipped = items.stream().filter(i -> ChecklistItem.SKIPPED.equals(i.status())).count();
    if (skipped > 0) {
      sb.append(", ").append(skipped).append(" skipped");
    }
    long failed = items.stream().filter(ChecklistItem::isFailed).count();
    if (failed > 0) {
      sb.append(", ").append(failed).append(" FAILED");
    }
    return sb.toString();
  }

  public static String failures(List<ChecklistItem> items) {
    return String.join("; ", items.stream().filter(ChecklistItem::isFailed)
        .map(i -> i.item() + ": " + (i.diagnosis() != null ? i.diagnosis() : i.detail())).toList());
  }

  private static ValidationActivities validation(String summary) {
    return ActivityPlans.stub(ValidationActivities.class, TaskQueues.SHARED, CHECK, summary);
  }

  private static List<ChecklistItem> guarded(String item, String group,
      java.util.function.Supplier<List<ChecklistItem>> check) {
    try {
      return check.get();
    } catch (io.temporal.failure.ActivityFailure e) {
      return List.of(ChecklistItem.failed(group, item, "the check could not run: "
          + io.stepcarecovery.Failures.rootMessage(e), "The check itself failed",
          "Read the message; fix the config or the worker, then run verify"));
    }
  }
}
