package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print the bash completion script (also works in zsh with bashcompinit). Install it with:",
        "  stepca-recovery completion > /etc/bash_completion.d/stepca-recovery",
        "or, for one shell: source <(stepca-recovery completion)"})
final class CompletionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    // generated from the registered commands and options, so it never falls behind them
    spec.commandLine().getOut().print(AutoComplete.bash("stepca-recovery", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
