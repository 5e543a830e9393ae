package io.stepcarecovery.cli;

import picocli.CommandLine.Option;

/** Whether a command waits for its workflow. */
final class WaitOptions {
  @Option(names = "--no-wait",
      description = "Start the workflow, print its id and return (needs a Temporal service: with the"
          + " embedded one the run lives only as long as this command). Follow it with 'watch ID'.")
  boolean noWait;
}
