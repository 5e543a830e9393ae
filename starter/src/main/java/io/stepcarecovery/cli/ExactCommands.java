package io.stepcarecovery.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workflow names the command that fixes what went wrong ("stepca-recovery recover --ca main",
 * "stepca-recovery worker --host ca1") but cannot know the config file or Temporal address of the
 * person who reads it. The CLI adds them, so the printed command runs as it stands.
 */
final class ExactCommands {
  private static final Pattern RECOVER = Pattern.compile("stepca-recovery recover --ca ([A-Za-z0-9][A-Za-z0-9_.-]*)");
  private static final Pattern WORKER = Pattern.compile("stepca-recovery worker --host ([A-Za-z0-9][A-Za-z0-9_.-]*)");

  private ExactCommands() {}

  static String complete(String message, RunContext ctx) {
    if (message == null || ctx == null) {
      return message;
    }
    // recover runs where the person is: embedded when they ran embedded, else on their service
    String recover = RECOVER.matcher(message).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery recover --ca " + m.group(1) + ctx.options(true)));
    return WORKER.matcher(recover).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery worker" + ctx.options(true) + " --host " + m.group(1)));
  }
}
