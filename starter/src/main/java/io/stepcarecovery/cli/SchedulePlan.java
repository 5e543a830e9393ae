package io.stepcarecovery.cli;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.config.CaViews;
import io.stepcarecovery.config.ScheduleText;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.drill.DrillRequest;
import io.stepcarecovery.drill.DrillWorkflow;
import io.stepcarecovery.worker.RunbookAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Temporal Schedules a config asks for: one per CA and job (backup, drill) that its
 * {@code schedule:} sets. Pure: builds the objects, talks to no service, so what {@code schedule
 * apply} would send is testable without a server that has Schedules.
 *
 * <p>Each schedule starts the same workflow with the same input as the CLI's command of that name
 * ({@code backup}: {@link BackupRequest} with the CA as this config describes it, so a worker
 * whose config differs refuses before stopping anything), on the shared task queue. Inputs hold
 * names and paths, never a secret: a schedule's action is stored in the service and shown to
 * anyone who can describe it.
 */
final class SchedulePlan {
  /** Every schedule this tool manages has an id with this prefix: list and apply look only at those. */
  static final String ID_PREFIX = "stepca-recovery-";
  /** SKIP: a run still going when the next is due (a slow store, a long drill) is not doubled. */
  static final ScheduleOverlapPolicy OVERLAP = ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP;
  /**
   * A run missed while the cluster was down is made up for if the service is back within a day
   * (with SKIP, once, not once per missed time); older ones are dropped.
   */
  static final Duration CATCHUP_WINDOW = Duration.ofDays(1);

  enum Job {
    BACKUP("backup", BackupWorkflow.class, "BackupWorkflow"), DRILL("drill", DrillWorkflow.class, "DrillWorkflow");

    final String kind;
    final Class<?> workflow;
    /** The workflow type name any Temporal client sees (the interface's @WorkflowMethod name). */
    final String typeName;

    Job(String kind, Class<?> workflow, String typeName) {
      this.kind = kind;
      this.workflow = workflow;
      this.typeName = typeName;
    }
  }

  /** Which CA and job a schedule id of this tool is for. */
  record Key(Job job, String ca) {}

  /** One schedule to apply: its id, what it runs and when. */
  record Planned(String id, String ca, Job job, ScheduleText when, Schedule schedule) {}

  private SchedulePlan() {}

  /** {@code stepca-recovery-backup-main}. */
  static String scheduleId(Job job, String ca) {
    return ID_PREFIX + job.kind + "-" + ca;
  }

  /** The CA and job of one of this tool's schedule ids; empty for any other id. */
  static java.util.Optional<Key> parse(String scheduleId) {
    for (Job job : Job.values()) {
      String prefix = ID_PREFIX + job.kind + "-";
      if (scheduleId.startsWith(prefix) && scheduleId.length() > prefix.length()) {
        return java.util.Optional.of(new Key(job, scheduleId.substring(prefix.length())));
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The prefix of the workflow ids the schedule starts: {@code backup-main-scheduled}, to which
   * Temporal appends the scheduled time ({@code backup-main-scheduled-2026-11-30T03:00:00Z}),
   * beside the CLI's {@code backup-main-20261130T030000Z}.
   */
  static String workflowId(Job job, String ca) {
    return job.kind + "-" + ca + "-scheduled";
  }

  /**
   * @param searchAttributes whether the service has the runbook's search attributes (the runs
   *     then carry CaName, RunbookKind and Reason as the CLI's do)
   */
  static List<Planned> of(StepcaRecoveryConfig config, boolean searchAttributes) {
    List<Planned> plans = new ArrayList<>();
    for (CaConfig ca : config.cas()) {
      if (ca.schedule() == null) {
        continue;
      }
      if (ca.schedule().backup() != null) {
        plans.add(plan(config, ca, Job.BACKUP, ca.schedule().backup(), searchAttributes));
      }
      if (ca.schedule().drill() != null) {
        plans.add(plan(config, ca, Job.DRILL, ca.schedule().drill(), searchAttributes));
      }
    }
    return plans;
  }

  private static Planned plan(StepcaRecoveryConfig config, CaConfig ca, Job job, String text, boolean searchAttributes) {
    ScheduleText when = ScheduleText.parse(text); // validated at load: cannot fail here
    String reason = "scheduled (" + when.describe() + ")";
    int deadline = FirstTaskWatch.deadlineSeconds(new RunContext(config, ca.name(), null, null));
    Object input = switch (job) {
      case BACKUP -> new BackupRequest(ca.name(), reason, null, deadline, CaViews.of(ca));
      case DRILL -> new DrillRequest(ca.name(), "latest", null, deadline);
    };
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId(job, ca.name()))
        .setTaskQueue(TaskQueues.SHARED)
        .setStaticSummary((job == Job.BACKUP ? "Backup" : "Restore drill") + " of CA " + ca.name() + " — " + reason)
        .setStaticDetails("Started by the Temporal Schedule " + scheduleId(job, ca.name())
            + ", applied by `stepca-recovery schedule apply` from " + config.source() + ".");
    if (searchAttributes) {
      options.setTypedSearchAttributes(RunbookAttributes.of(ca.name(), job.kind, reason));
    }
    ScheduleSpec.Builder spec = ScheduleSpec.newBuilder().setJitter(ca.schedule().jitterOrDefault());
    if (when.cron() != null) {
      spec.setCronExpressions(List.of(when.cron()));
    } else {
      spec.setIntervals(List.of(new ScheduleIntervalSpec(when.every())));
    }
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(job.workflow)
            .setOptions(options.build())
            .setArguments(input)
            .build())
        .setSpec(spec.build())
        // a failed backup must not stop the next ones: the next may be the one that works
        .setPolicy(SchedulePolicy.newBuilder().setOverlap(OVERLAP).setCatchupWindow(CATCHUP_WINDOW)
            .setPauseOnFailure(false).build())
        .setState(ScheduleState.newBuilder().setNote(note(config)).build())
        .build();
    return new Planned(scheduleId(job, ca.name()), ca.name(), job, when, schedule);
  }

  static String note(StepcaRecoveryConfig config) {
    return "applied by stepca-recovery schedule apply from " + config.source();
  }
}
