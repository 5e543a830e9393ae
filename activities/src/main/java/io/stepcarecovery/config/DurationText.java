package io.stepcarecovery.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as a person types them, on the command line or in the config: 90s, 30m, 2h (a bare
 * number is seconds). One reading for both, so a value that works in one works in the other.
 */
public final class DurationText {
  /** The longest a run may be told to wait: a week. */
  public static final long MAX_SECONDS = 7L * 24 * 3600;
  private static final Pattern FORM = Pattern.compile("([0-9]{1,7})([smh]?)");

  private DurationText() {}

  /** The seconds {@code text} says, or -1 when it is not a positive duration of that form. */
  public static long seconds(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      return -1;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n;
    };
  }
}
