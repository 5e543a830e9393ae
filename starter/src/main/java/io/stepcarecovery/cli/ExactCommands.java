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
  /** Commands that read the config only (the store, the lock on this host): --config, never --temporal. */
  private static final Pattern LOCAL = Pattern.compile("stepca-recovery (backups|unlock|check|forget) --ca ([A-Za-z0-9][A-Za-z0-9_.-]*)");
  /** A backup runs where the person's commands run, like recover. */
  private static final Pattern BACKUP = Pattern.compile("stepca-recovery backup --ca ([A-Za-z0-9][A-Za-z0-9_.-]*)");

  private ExactCommands() {}

  /** The options of the command that failed, when it has them ({@link CommonOptions} or {@link StoreOptions}). */
  static RunContext of(picocli.CommandLine commandLine) {
    for (picocli.CommandLine.Model.CommandSpec mixin : commandLine.getCommandSpec().mixins().values()) {
      Object o = mixin.userObject();
      if (o instanceof CommonOptions c) {
        return new RunContext(null, null, c, null);
      }
      if (o instanceof StoreOptions s) {
        CommonOptions c = new CommonOptions();
        c.config = s.config;
        return new RunContext(null, null, c, null);
      }
    }
    return null;
  }

  static String complete(String message, RunContext ctx) {
    if (message == null || ctx == null) {
      return message;
    }
    // recover runs where the person is: embedded when they ran embedded, else on their service
    String recover = RECOVER.matcher(message).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery recover --ca " + m.group(1) + ctx.options(true)));
    String worker = WORKER.matcher(recover).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery worker" + ctx.options(true) + " --host " + m.group(1)));
    String local = LOCAL.matcher(worker).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery " + m.group(1) + " --ca " + m.group(2) + ctx.options(false)));
    return BACKUP.matcher(local).replaceAll(m -> Matcher.quoteReplacement(
        "stepca-recovery backup --ca " + m.group(1) + ctx.options(true)));
  }
}
