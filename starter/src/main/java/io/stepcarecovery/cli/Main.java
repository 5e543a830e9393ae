package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.temporal.client.WorkflowFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code stepca-recovery}: the runbook for Smallstep step-ca as commands. Exit codes: 0 success,
 * 1 the job ran and failed, 2 usage or config error (a workflow id the service does not know is one).
 */
@Command(name = "stepca-recovery",
    mixinStandardHelpOptions = true,
    version = "stepca-recovery 0.1.0",
    description = {
        "Back up, restore and recover a Smallstep step-ca, following the runbook, as durable"
            + " Temporal workflows.",
        "",
        "Without a Temporal address (temporal.address in the config, or --temporal) commands run"
            + " on an embedded Temporal service with an in-process worker: the break-glass mode."},
    subcommands = {BackupCommand.class, BackupsCommand.class, RestoreCommand.class,
        RecoverCommand.class, ApproveCommand.class, AbortCommand.class, VerifyCommand.class, CheckCommand.class,
        ForgetCommand.class, ScheduleCommand.class, WatchCommand.class, StatusCommand.class, CancelCommand.class, ListCommand.class,
        UnlockCommand.class, WorkerCommand.class, DevServerCommand.class, DemoCommand.class, WarmUpCommand.class,
        CompletionCommand.class, LossesCommand.class, DrillCommand.class, OverviewCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job ran and failed (cancel: the run had already ended)",
        "2:usage or config error (also: no workflow with that id)"})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // every registered command, from picocli's own list: a hand-written one falls behind
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: "
        + String.join(", ", spec.subcommands().entrySet().stream()
            .filter(c -> !c.getKey().equals("help") && !c.getValue().getCommandSpec().usageMessage().hidden())
            .map(java.util.Map.Entry::getKey).toList())
        + " (stepca-recovery COMMAND --help says more)");
  }

  /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");

  public static void main(String[] args) {
    boolean worker = args.length > 0 && args[0].equals("worker");
    if (!worker) {
      // gRPC logs a failed name resolution as a stack trace before the command's own one-line
      // message says the same ("Temporal is unreachable at ..."); a command's failures are its own
      GRPC.setLevel(java.util.logging.Level.OFF);
    }
    if (System.getProperty("stepca.log.level") == null) {
      System.setProperty("stepca.log.level", worker ? "INFO" : "WARN");
    }
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // --json, wherever a command declares it (a mixin or its own): the error is a document too
      boolean json = commandLine.getParseResult() != null && commandLine.getParseResult().hasMatchedOption("--json");
      if (e instanceof Interrupts.Interrupted i) {
        return i.exitCode; // what is left was printed already
      }
      if (e instanceof StartedRun.Failed) {
        Output.error(commandLine, json, e.getMessage(), FAILED);
        return FAILED;
      }
      if (e instanceof io.grpc.StatusRuntimeException grpc) {
        // the service answered: one line saying what it said, never a stack trace
        int code = grpc.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND ? USAGE : FAILED;
        Output.error(commandLine, json, GrpcErrors.message(grpc), code);
        return code;
      }
      int code = e instanceof ConfigException ? USAGE : FAILED;
      String message = e instanceof ConfigException || e instanceof WorkflowFailedException
          ? Output.failureMessage(e) : e.toString();
      // a command the message names runs as printed: with the --config and --temporal in use
      message = ExactCommands.complete(message, ExactCommands.of(commandLine));
      Output.error(commandLine, json, message, code);
      return code;
    });
    return cl;
  }
}
