package io.stepcarecovery.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", mixinStandardHelpOptions = true,
    description = {
        "Full TLS outage: recover in the runbook's order — restore Step-CA data → start Step-CA →"
            + " validate the ACME directory → validate certificate issuance → restart Traefik (the"
            + " configured ingress) → confirm application HTTPS — then print the validation checklist"
            + " with a likely cause and an action for every failed item.",
        "Exit 0 when every checklist item passed, 1 otherwise."})
final class RecoverCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin RestoreOptions options;
  @Mixin WaitOptions wait;

  @Option(names = "--clear-acme-account",
      description = "Before restarting the ingress, remove every ACME account from its acme.json (a"
          + " copy is kept). Without it, only the accounts the restored CA says it does not know"
          + " (registered after the backup) are removed; the per-account outcome is in the result.")
  boolean clearAcmeAccount;

  @Option(names = "--even-if-healthy",
      description = "Recover although the CA is healthy (it answers /health and an ACME new-nonce)."
          + " Without it, a recovery of a serving CA is refused before anything changes, with or"
          + " without --yes.")
  boolean evenIfHealthy;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final RestoreRun RUN = new RestoreRun("recover", "RecoveryWorkflow",
      "Full TLS outage, the runbook recovery order: restore Step-CA data → start Step-CA → validate the ACME directory → validate certificate issuance → restart Traefik → confirm application HTTPS.",
      "Recovering", io.stepcarecovery.recovery.RecoveryStep.RESTORE.number());

  @Override
  public Integer call() throws Exception {
    return RUN.run(common, options, wait, spec, clearAcmeAccount, evenIfHealthy);
  }
}
