package io.stepcarecovery.cli;

import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A schedule's spec as the service returns it, in the config's words: a cron expression stays one;
 * the structured calendars a server compiles cron into are written back as five cron fields
 * ({@code 0 3 * * *}); intervals as {@code every 6h}.
 */
final class ScheduleSpecText {
  private ScheduleSpecText() {}

  static String of(ScheduleSpec spec) {
    if (spec == null) {
      return "";
    }
    List<String> parts = new ArrayList<>(spec.getCronExpressions() == null ? List.of() : spec.getCronExpressions());
    for (ScheduleCalendarSpec c : spec.getCalendars() == null ? List.<ScheduleCalendarSpec>of() : spec.getCalendars()) {
      parts.add(String.join(" ", field(c.getMinutes(), 0, 59), field(c.getHour(), 0, 23),
          field(c.getDayOfMonth(), 1, 31), field(c.getMonth(), 1, 12), field(c.getDayOfWeek(), 0, 6)));
    }
    for (ScheduleIntervalSpec i : spec.getIntervals() == null ? List.<ScheduleIntervalSpec>of() : spec.getIntervals()) {
      long s = i.getEvery().toSeconds();
      parts.add("every " + (s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s"));
    }
    return String.join("; ", parts);
  }

  private static String field(List<ScheduleRange> ranges, int min, int max) {
    if (ranges == null || ranges.isEmpty()) {
      return "*";
    }
    return ranges.stream().map(r -> {
      int end = Math.max(r.getEnd(), r.getStart()); // an end of 0 means the start alone
      int step = Math.max(r.getStep(), 1);
      String base = r.getStart() == min && end == max ? "*" : end == r.getStart() ? String.valueOf(r.getStart())
          : r.getStart() + "-" + end;
      return step == 1 ? base : base + "/" + step;
    }).collect(Collectors.joining(","));
  }
}
