package io.stepcarecovery.sqldb;

import java.util.regex.Pattern;

/**
 * Removes database credentials from text that leaves the host (checklist quotes, service command
 * output in errors): step-ca prints its MySQL dataSource, password included, when the database is
 * unreachable, and a service's start script may echo that log.
 */
public final class DsnRedaction {
  /** step-ca's own "… with source DSN: …", whatever the password holds (spaces too). */
  private static final Pattern STEPCA_SOURCE = Pattern.compile("(with source [^\\s:@]*:).*@((?:tcp|unix)\\()");
  /**
   * {@code user:password@} in any DSN or URL; greedy to the last '@' of the word, as the Go driver
   * splits it. Not {@code scheme://} (the credentials follow it).
   */
  private static final Pattern CREDENTIALS = Pattern.compile("([^\\s:@\"'/=]+:)(?!//)\\S*@");

  private DsnRedaction() {}

  public static String redact(String text) {
    String s = STEPCA_SOURCE.matcher(text).replaceAll("$1[redacted]@$2");
    return CREDENTIALS.matcher(s).replaceAll("$1[redacted]@");
  }
}
