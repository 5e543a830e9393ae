package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.temporal.client.WorkflowFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code stepca-recovery}: the runbook for Smallstep step-ca as commands. Exit codes: 0 success,
 * 1 the job ran and failed, 2 usage or config error.
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
        RecoverCommand.class, ApproveCommand.class, AbortCommand.class, VerifyCommand.class, WatchCommand.class, StatusCommand.class,
        CancelCommand.class, UnlockCommand.class, WorkerCommand.class, DevServerCommand.class, DemoCommand.class, WarmUpCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the job ran and failed", "2:usage or config error"})
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: backup, backups, restore, recover, verify, worker");
  }

  public static void main(String[] args) {
    boolean worker = args.length > 0 && args[0].equals("worker");
    if (System.getProperty("stepca.log.level") == null) {
      System.setProperty("stepca.log.level", worker ? "INFO" : "WARN");
    }
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Object cmd = commandLine.getCommand();
      boolean json = cmd instanceof JsonOutput j && j.json();
      if (e instanceof Interrupts.Interrupted i) {
        return i.exitCode; // what is left was printed already
      }
      if (e instanceof Runs.Failed) {
        Output.error(commandLine, json, e.getMessage(), FAILED);
        return FAILED;
      }
      int code = e instanceof ConfigException ? USAGE : FAILED;
      String message = e instanceof ConfigException || e instanceof WorkflowFailedException
          ? Output.failureMessage(e) : e.toString();
      Output.error(commandLine, json, message, code);
      return code;
    });
    return cl;
  }

  /** Commands that can print their result as JSON. */
  public interface JsonOutput {
    boolean json();
  }
}
