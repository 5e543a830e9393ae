package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as a person types them: 90s, 30m, 2h (a bare number is seconds). */
final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,7})([smh]?)");

  private Durations() {}

  static int seconds(String option, String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new ConfigException(option + " takes a positive duration such as 90s, 30m or 2h, not '"
          + io.stepcarecovery.text.TerminalText.line(String.valueOf(text)) + "'");
    }
    long n = Long.parseLong(m.group(1));
    long s = switch (m.group(2)) {
      case "m" -> n * 60;
      case "h" -> n * 3600;
      default -> n;
    };
    if (s > 7L * 24 * 3600) {
      throw new ConfigException(option + " is at most 7 days (168h), not " + text.strip());
    }
    return (int) s;
  }
}
