package io.stepcarecovery.cli;

import io.stepcarecovery.worker.TemporalSession;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The body of approve and abort: the same run, the same checks, one signal or the other ({@link GateAnswer}). */
abstract class GateAnswerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID", description = "e.g. restore-main-20261127T031500Z")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Whether this answer approves (else it aborts). */
  abstract boolean approves();

  /** Abort's reason, or null. */
  String reason() {
    return null;
  }

  @Override
  public Integer call() {
    try (TemporalSession session = RemoteOptions.connect(common)) {
      return GateAnswer.send(session, id, approves(), reason(),
          new RunContext(null, null, common, spec.commandLine().getErr()), spec.commandLine().getOut());
    }
  }
}
