package io.stepcarecovery.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a scheduled job runs, as the config says it: a cron expression ({@code "0 3 * * *"}, five
 * fields in UTC, or a macro such as {@code @daily}) or an interval ({@code 6h}, as
 * {@link DurationText} reads it). Exactly one of {@code cron} and {@code every} is set.
 *
 * <p>The cron fields are checked here, value by value, because the service that would otherwise
 * refuse them (Temporal's schedule spec) answers only when {@code schedule apply} runs, long
 * after the config was written.
 */
public record ScheduleText(String cron, Duration every) {
  /** A backup stops the CA: one more often than this is a typing mistake, not a policy. */
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly",
      "@daily", "@midnight", "@hourly");
  private static final String[] FIELDS = {"minute", "hour", "day of month", "month", "day of week"};
  private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
      "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Pattern ITEM = Pattern.compile("(\\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/([0-9]+))?");

  /** What the config may say, for error messages. */
  public static final String EXPECTED = "an interval such as 30m, 6h or 24h (at least 1m), a cron"
      + " expression of five fields in UTC such as \"0 3 * * *\", or @hourly, @daily, @weekly, @monthly";

  /**
   * The schedule {@code text} says.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static ScheduleText parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("it is empty");
    }
    if (t.startsWith("@")) {
      if (!MACROS.contains(t.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("'" + t + "' is not one of " + String.join(", ", MACROS.stream().sorted().toList()));
      }
      return new ScheduleText(t.toLowerCase(Locale.ROOT), null);
    }
    if (!t.contains(" ")) {
      long seconds = DurationText.seconds(t);
      if (seconds < 0) {
        throw new IllegalArgumentException("'" + t + "' is neither an interval (90s, 30m, 6h; a day is 24h)"
            + " nor a cron expression of five fields");
      }
      if (seconds < MIN_INTERVAL.toSeconds()) {
        throw new IllegalArgumentException("every " + t + " is more often than once a minute");
      }
      return new ScheduleText(null, Duration.ofSeconds(seconds));
    }
    String[] fields = t.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException("'" + t + "' has " + fields.length + " fields; a cron expression"
          + " has five: minute hour day-of-month month day-of-week");
    }
    for (int i = 0; i < 5; i++) {
      field(i, fields[i]);
    }
    return new ScheduleText(String.join(" ", fields), null);
  }

  private static void field(int index, String field) {
    for (String item : field.split(",", -1)) {
      Matcher m = ITEM.matcher(item);
      if (!m.matches()) {
        throw bad(index, field, "'" + item + "' is not *, N, N-M or one of those with /STEP");
      }
      if (m.group(2) != null && Integer.parseInt(m.group(2)) == 0) {
        throw bad(index, field, "a step of 0");
      }
      if (!m.group(1).equals("*")) {
        String[] bounds = m.group(1).split("-");
        int low = value(index, field, bounds[0]);
        if (bounds.length == 2 && value(index, field, bounds[1]) < low) {
          throw bad(index, field, "the range " + m.group(1) + " runs backwards");
        }
      }
    }
  }

  private static int value(int index, String field, String text) {
    List<String> names = index == 3 ? MONTHS : index == 4 ? DAYS : List.of();
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return index == 3 ? named + 1 : named;
    }
    int v;
    try {
      v = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw bad(index, field, "'" + text + "' is not a number" + (names.isEmpty() ? "" : " nor a name such as " + names.get(0)));
    }
    int[] range = RANGES[index];
    if (v < range[0] || v > range[1]) {
      throw bad(index, field, text + " is outside " + range[0] + "-" + range[1]);
    }
    return v;
  }

  private static IllegalArgumentException bad(int index, String field, String why) {
    return new IllegalArgumentException("its " + FIELDS[index] + " field '" + field + "' is invalid: " + why);
  }

  /** The form to show a person: the cron text, or "every 6h". */
  public String describe() {
    if (cron != null) {
      return cron;
    }
    long s = every.toSeconds();
    return "every " + (s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s");
  }
}
