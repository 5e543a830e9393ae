package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "restore", mixinStandardHelpOptions = true,
    description = {
        "Restore a CA from a backup, following the runbook: verify the archive before touching"
            + " anything (checksums, manifest, ca.json, root = the trust anchor) → stage it beside the"
            + " live data → stop → move the live data aside (never deleted) → put the backup in place →"
            + " start → validate. If validation fails, the previous data is put back and started.",
        "Exit 0 when the restored CA passed every check, 1 otherwise (the checklist says why)."})
final class RestoreCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin RestoreOptions options;
  @Mixin WaitOptions wait;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final RestoreRun RUN = new RestoreRun("restore", "RestoreWorkflow",
      "Runbook restore: verify the backup → (approval) → stage it → stop the CA → move the live data aside → put the backup in place → start → validate; roll back if validation fails.",
      "Restoring", io.stepcarecovery.restore.RestoreStep.APPROVAL.number());

  @Override
  public Integer call() throws Exception {
    return RUN.run(common, options, wait, spec, null, null);
  }
}
