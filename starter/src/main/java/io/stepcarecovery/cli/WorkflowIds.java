package io.stepcarecovery.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Readable workflow ids: {@code recover-<ca>-<UTC timestamp>}. */
final class WorkflowIds {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private WorkflowIds() {}

  static String of(String kind, String ca) {
    return kind + "-" + ca + "-" + TIME.format(Instant.now());
  }
}
