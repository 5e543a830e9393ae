package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.text.TerminalText;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleListActionStartWorkflow;
import io.temporal.client.schedules.ScheduleListDescription;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"The schedules of this tool (ids " + SchedulePlan.ID_PREFIX + "JOB-CA) in the Temporal"
        + " namespace: CA, job, when (cron in UTC or every N), paused or active, the next run and the"
        + " most recent one. Others' schedules are not shown."})
final class ScheduleListCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ScheduleService service = ScheduleService.open(RemoteOptions.config(common), common)) {
      List<ScheduleListDescription> ours = service.call("ListSchedules", null, () -> service.client().listSchedules(null)
          .filter(d -> SchedulePlan.parse(d.getScheduleId()).isPresent())
          .sorted(Comparator.comparing(ScheduleListDescription::getScheduleId))
          .toList());
      if (common.json) {
        json(ours);
      } else {
        text(ours);
      }
      return Main.OK;
    }
  }

  private void json(List<ScheduleListDescription> ours) {
    ObjectNode doc = Output.JSON.createObjectNode();
    doc.put("ok", true);
    ArrayNode list = doc.putArray("schedules");
    for (ScheduleListDescription d : ours) {
      SchedulePlan.Key key = SchedulePlan.parse(d.getScheduleId()).orElseThrow();
      ObjectNode s = list.addObject();
      s.put("id", d.getScheduleId());
      s.put("ca", key.ca());
      s.put("job", key.job().kind);
      s.put("workflowType", d.getSchedule().getAction() instanceof ScheduleListActionStartWorkflow w ? w.getWorkflow() : null);
      s.put("when", ScheduleSpecText.of(d.getSchedule().getSpec()));
      s.put("paused", d.getSchedule().getState().isPaused());
      s.put("note", d.getSchedule().getState().getNote());
      ArrayNode next = s.putArray("nextRuns");
      d.getInfo().getNextActionTimes().forEach(t -> next.add(t.toString()));
      ArrayNode recent = s.putArray("recentRuns");
      for (ScheduleActionResult r : d.getInfo().getRecentActions()) {
        ObjectNode run = recent.addObject();
        run.put("scheduledAt", String.valueOf(r.getScheduledAt()));
        run.put("startedAt", String.valueOf(r.getStartedAt()));
        if (r.getAction() instanceof ScheduleActionExecutionStartWorkflow w) {
          run.put("workflowId", w.getWorkflowId());
        }
      }
    }
    Output.json(spec.commandLine(), doc);
  }

  private void text(List<ScheduleListDescription> ours) {
    PrintWriter out = spec.commandLine().getOut();
    if (ours.isEmpty()) {
      out.println("No schedules of stepca-recovery in this namespace (create them with: stepca-recovery schedule apply).");
      out.flush();
      return;
    }
    out.println(String.format("%-36s %-8s %-7s %-20s %-6s %-21s %s", "ID", "CA", "JOB", "WHEN (UTC)", "STATE", "NEXT", "LAST RUN"));
    for (ScheduleListDescription d : ours) {
      SchedulePlan.Key key = SchedulePlan.parse(d.getScheduleId()).orElseThrow();
      List<Instant> next = d.getInfo().getNextActionTimes();
      List<ScheduleActionResult> recent = d.getInfo().getRecentActions();
      String last = recent.isEmpty() ? "-" : recent.get(recent.size() - 1).getAction() instanceof ScheduleActionExecutionStartWorkflow w
          ? w.getWorkflowId() : String.valueOf(recent.get(recent.size() - 1).getStartedAt());
      out.println(TerminalText.line(String.format("%-36s %-8s %-7s %-20s %-6s %-21s %s", d.getScheduleId(), key.ca(),
          key.job().kind, ScheduleSpecText.of(d.getSchedule().getSpec()),
          d.getSchedule().getState().isPaused() ? "paused" : "active", next.isEmpty() ? "-" : next.get(0).toString(), last)));
    }
    out.flush();
  }
}
