package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.DurationText;

/** A duration option as a person types it: 90s, 30m, 2h (a bare number is seconds). */
final class Durations {
  private Durations() {}

  static int seconds(String option, String text) {
    long s = DurationText.seconds(text);
    if (s < 0) {
      throw new ConfigException(option + " takes a positive duration such as 90s, 30m or 2h, not '"
          + io.stepcarecovery.text.TerminalText.line(String.valueOf(text)) + "'");
    }
    if (s > DurationText.MAX_SECONDS) {
      throw new ConfigException(option + " is at most 7 days (168h), not " + text.strip());
    }
    return (int) s;
  }
}
