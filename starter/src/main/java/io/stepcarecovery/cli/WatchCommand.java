package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.worker.TemporalSession;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Follow a running backup, restore or recovery step by step until it ends, then"
        + " print its result. Ctrl-C detaches; the workflow goes on.",
        "Exit 0 when it succeeded, 1 when it failed."})
final class WatchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "WORKFLOW_ID", description = "e.g. recover-main-20261127T031500Z")
  String id;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = RemoteOptions.connect(common)) {
      RunContext ctx = new RunContext(null, null, common, spec.commandLine().getErr());
      JsonNode result = StartedRun.await(session, id, JsonNode.class, common.json, null, out, "Watching " + id,
          ctx, () -> GateWatch.sayHowToAnswer(session, id, ctx, spec.commandLine().getErr()));
      return ResultPrinter.print(spec.commandLine(), common.json, id, result);
    }
  }
}
