package io.stepcarecovery.checklist;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a workflow run's time went, from its history's event timestamps: for every activity,
 * scheduled → started (waiting in the task queue for a worker), started → completed (the
 * activity's own work, as the worker reported it), and the gaps between one activity's
 * completion and the next one's scheduling (a workflow task: the server hands the history to the
 * workflow worker, the workflow code runs, the commands come back). Timer and marker events are
 * shown as they are.
 *
 * Usage: HistoryGaps HOST:PORT WORKFLOW_ID   (or HistoryGaps --json FILE)
 * Prints one line per activity and, last, the line
 *   gaps total=MS activity_work=MS queue_wait=MS workflow_tasks=MS
 */
public final class HistoryGaps {
  public static void main(String[] args) throws Exception {
    List<HistoryEvent> events;
    if (args[0].equals("--json")) {
      events = WorkflowExecutionHistory.fromJson(java.nio.file.Files.readString(java.nio.file.Path.of(args[1])))
          .getEvents();
    } else {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
      String id = args[1];
      if (id.equals("--last")) {
        // the most recently closed run (the dev-server has no visibility queries but these)
        var closed = stubs.blockingStub().listClosedWorkflowExecutions(
            io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace("default").setMaximumPageSize(50).build()).getExecutionsList();
        id = closed.stream().max(java.util.Comparator.comparing(x -> x.getStartTime().getSeconds() * 1_000_000_000L
            + x.getStartTime().getNanos())).orElseThrow().getExecution().getWorkflowId();
        System.out.println(id);
      }
      events = WorkflowClient.newInstance(stubs).fetchHistory(id).getEvents();
      stubs.shutdown();
    }
    long first = millis(events.get(0));
    long last = millis(events.get(events.size() - 1));
    Map<Long, String> names = new HashMap<>();
    Map<Long, Long> scheduled = new HashMap<>();
    Map<Long, Long> started = new HashMap<>();
    long work = 0;
    java.util.List<long[]> intervals = new java.util.ArrayList<>();
    long queue = 0;
    long prevEnd = first;
    long between = 0;
    StringBuilder out = new StringBuilder();
    for (HistoryEvent e : events) {
      long t = millis(e);
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        var a = e.getActivityTaskScheduledEventAttributes();
        names.put(e.getEventId(), a.getActivityType().getName());
        scheduled.put(e.getEventId(), t);
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        started.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), t);
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
          || e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        long id = e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
            ? e.getActivityTaskCompletedEventAttributes().getScheduledEventId()
            : e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
                ? e.getActivityTaskFailedEventAttributes().getScheduledEventId()
                : e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
        long s = scheduled.get(id);
        long st = started.getOrDefault(id, s);
        queue += st - s;
        work += t - st;
        intervals.add(new long[] {st, t});
        out.append(String.format("%7d ms  %-22s scheduled→started %5d ms  started→completed %6d ms%n",
            s - first, names.get(id), st - s, t - st));
      } else if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED) {
        out.append(String.format("%7d ms  marker %s%n", t - first, e.getMarkerRecordedEventAttributes().getMarkerName()));
      }
    }
    // The local activities: markers, their time is inside the workflow task that ran them.
    // Workflow-task time: the span of each WorkflowTaskScheduled → Completed.
    Map<Long, Long> wtScheduled = new HashMap<>();
    long wt = 0;
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) {
        wtScheduled.put(e.getEventId(), millis(e));
      } else if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        wt += millis(e) - wtScheduled.getOrDefault(e.getWorkflowTaskCompletedEventAttributes().getScheduledEventId(), millis(e));
      }
    }
    // The critical path not covered by any activity's own work (started → completed), merged
    // across concurrent activities: what orchestration (queueing, workflow tasks, the server)
    // adds to the run's span.
    java.util.List<long[]> spans = new java.util.ArrayList<>(intervals);
    spans.sort(java.util.Comparator.comparingLong(x -> x[0]));
    long covered = 0;
    long curS = -1;
    long curE = -1;
    for (long[] sp : spans) {
      if (sp[0] > curE) {
        covered += curE - curS;
        curS = sp[0];
        curE = sp[1];
      } else {
        curE = Math.max(curE, sp[1]);
      }
    }
    covered += curE - curS;
    System.out.print(out);
    System.out.printf("orchestration on the critical path=%d ms (span %d − activities' own work, merged, %d)%n",
        last - first - covered, last - first, covered);
    System.out.printf("gaps total=%d activity_work=%d queue_wait=%d workflow_tasks=%d events=%d first_epoch_ms=%d last_epoch_ms=%d%n",
        last - first, work, queue, wt, events.size(), first, last);
  }

  private static long millis(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
  }
}
