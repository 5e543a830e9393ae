package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.text.TerminalText;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {
        "Create or update one Temporal Schedule per CA and job from the config's cas[].schedule"
            + " (backup: CRON_OR_INTERVAL, drill: CRON_OR_INTERVAL, jitter: DURATION, default 5m):"
            + " id " + SchedulePlan.ID_PREFIX + "backup-CA / " + SchedulePlan.ID_PREFIX + "drill-CA;"
            + " cron in UTC, an interval such as 6h; overlap policy skip; a missed run made up for within"
            + " a day; runs with ids backup-CA-scheduled-TIME on task queue " + TaskQueues.SHARED
            + ", with the input `backup`/`drill` would give them (names and paths, no secret).",
        "A paused schedule stays paused. A schedule of this tool for a CA of the config whose"
            + " job the config no longer has is deleted."})
final class ScheduleApplyCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--ca", paramLabel = "NAME", description = "Only this CA's schedules (default: every CA's).")
  String ca;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    StepcaRecoveryConfig config = common.load();
    Set<String> cas = ca != null ? Set.of(config.ca(ca).name())
        : config.cas().stream().map(StepcaRecoveryConfig.CaConfig::name).collect(Collectors.toSet());
    if (SchedulePlan.of(config, false).stream().noneMatch(p -> cas.contains(p.ca()))) {
      throw new ConfigException(config.source() + " gives " + (ca != null ? "CA " + ca : "no CA") + " a schedule: add"
          + " cas[].schedule: {backup: \"0 3 * * *\", drill: 24h} (cron in UTC or an interval); to remove a"
          + " schedule from the service: stepca-recovery schedule delete ID");
    }
    try (ScheduleService service = ScheduleService.open(config, common)) {
      List<SchedulePlan.Planned> plans = SchedulePlan.of(config, service.session().hasSearchAttributes()).stream()
          .filter(p -> cas.contains(p.ca())).toList();
      ScheduleClient client = service.client();
      List<String[]> done = new ArrayList<>();
      for (SchedulePlan.Planned p : plans) {
        String action = service.call("CreateSchedule", p.id(), () -> {
          try {
            client.createSchedule(p.id(), p.schedule(), ScheduleOptions.newBuilder().build());
            return "created";
          } catch (ScheduleAlreadyRunningException exists) {
            client.getHandle(p.id()).update(in -> new ScheduleUpdate(kept(in.getDescription().getSchedule(), p.schedule())));
            return "updated";
          }
        });
        done.add(new String[] {action, p.id()});
      }
      List<String> planned = plans.stream().map(SchedulePlan.Planned::id).toList();
      List<String> stale = service.call("ListSchedules", null, () -> client.listSchedules(null)
          .map(ScheduleListDescription::getScheduleId)
          .filter(id -> SchedulePlan.parse(id).filter(k -> cas.contains(k.ca())).isPresent() && !planned.contains(id))
          .toList());
      for (String id : stale) {
        try {
          service.run("DeleteSchedule", id, () -> client.getHandle(id).delete());
          done.add(new String[] {"deleted", id});
        } catch (ScheduleService.NoSuchSchedule listedButGone) {
          // the listing lags behind deletions (visibility is eventually consistent): already gone
        }
      }
      print(spec.commandLine(), plans, done);
      return Main.OK;
    }
  }

  /** The new schedule with the old one's state when it was paused: apply does not undo a pause. */
  private static Schedule kept(Schedule old, Schedule fresh) {
    ScheduleState state = old.getState() != null && old.getState().isPaused() ? old.getState() : fresh.getState();
    return Schedule.newBuilder(fresh).setState(state).build();
  }

  private void print(CommandLine cl, List<SchedulePlan.Planned> plans, List<String[]> done) {
    if (common.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", true);
      ArrayNode list = doc.putArray("schedules");
      for (String[] d : done) {
        ObjectNode s = list.addObject();
        s.put("id", d[1]);
        s.put("action", d[0]);
        plans.stream().filter(p -> p.id().equals(d[1])).findFirst().ifPresent(p -> {
          s.put("ca", p.ca());
          s.put("job", p.job().kind);
          s.put("when", p.when().describe());
          s.put("jitterSeconds", p.schedule().getSpec().getJitter().toSeconds());
          s.put("workflowType", p.job().typeName);
          s.put("workflowIdPrefix", SchedulePlan.workflowId(p.job(), p.ca()));
          s.put("taskQueue", TaskQueues.SHARED);
        });
      }
      Output.json(cl, doc);
      return;
    }
    PrintWriter out = cl.getOut();
    for (String[] d : done) {
      var p = plans.stream().filter(x -> x.id().equals(d[1])).findFirst();
      out.println(String.format("%-8s %s%s", d[0], TerminalText.line(d[1]), p.map(x -> "  " + TerminalText.line(
          x.when().describe() + (x.when().cron() != null ? " (UTC)" : "") + ", jitter up to "
              + x.schedule().getSpec().getJitter().toSeconds() + " s, runs "
              + SchedulePlan.workflowId(x.job(), x.ca()) + "-TIME")).orElse("  (no longer in the config)")));
    }
    out.flush();
  }
}
