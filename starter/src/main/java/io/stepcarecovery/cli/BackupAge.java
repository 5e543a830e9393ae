package io.stepcarecovery.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** How old a backup is, as the person deciding whether to restore it wants to read it. */
final class BackupAge {
  private BackupAge() {}

  /** ", 3 h 12 min ago" for an ISO-8601 instant, or "" when it cannot be read (hostile text). */
  static String of(String createdAt, Instant now) {
    Instant made;
    try {
      made = Instant.parse(createdAt);
    } catch (DateTimeParseException | NullPointerException e) {
      return "";
    }
    Duration age = Duration.between(made, now);
    if (age.isNegative()) {
      return ", dated in the future";
    }
    long days = age.toDays();
    long hours = age.toHoursPart();
    long minutes = age.toMinutesPart();
    String text = days > 0 ? days + " d " + hours + " h" : hours > 0 ? hours + " h " + minutes + " min"
        : minutes > 0 ? minutes + " min" : age.toSecondsPart() + " s";
    return ", " + text + " ago";
  }
}
