package io.stepcarecovery.cli;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of restore and recover. */
final class RestoreOptions {
  @Mixin CaOption ca;

  @Option(names = "--backup", paramLabel = "ID|latest", defaultValue = "latest",
      description = "The backup to restore (list them with 'backups'). Default: ${DEFAULT-VALUE}.")
  String backup;

  @Option(names = "--from", paramLabel = "URI",
      description = "The store to restore from: 'local', or an off-host copy's URI as 'backups' shows it"
          + " (e.g. sftp://backup@host/srv/ca, s3://bucket/prefix). Default: the first store that holds"
          + " the backup, the local one first. A fetched archive is verified like a local one.")
  String from;

  @Option(names = {"-y", "--yes"},
      description = "Do not ask before replacing the live data (scripts, the demo). Without it the"
          + " workflow waits for approval and the command asks on the terminal.")
  boolean yes;

  @Option(names = "--no-rollback",
      description = "If validation fails, leave the restored data in place for a person to examine"
          + " instead of putting the previous data back.")
  boolean noRollback;

  @Option(names = "--allow-foreign-root",
      description = "Restore a backup whose root differs from the configured trust anchor (the"
          + " runbook's 'wrong data directory restored' is otherwise refused).")
  boolean allowForeignRoot;

  @Option(names = "--allow-path", paramLabel = "PATH",
      description = "Let the restore write this absolute path too (repeatable). A restore writes only"
          + " to the CA's own paths on the restoring host: its $STEPPATH and what its live ca.json"
          + " names. On a new host whose ca.json is gone, a CA that keeps its database or keys outside"
          + " $STEPPATH needs them named here; the refusal says which.")
  java.util.List<String> allowPaths;

  @Option(names = "--approval-timeout", paramLabel = "DURATION",
      description = "Without --yes: how long the run waits for approval (e.g. 90s, 30m, 2h) before it"
          + " ends with nothing changed and the CA lock released. Default: approvalTimeout in the"
          + " config, else 1h.")
  String approvalTimeout;

  /** The flag, else the config's approvalTimeout, else the default (1 h). */
  int approvalTimeoutSeconds(StepcaRecoveryConfig config) {
    return approvalTimeout != null ? Durations.seconds("--approval-timeout", approvalTimeout)
        : (int) config.approvalTimeoutOrDefault().toSeconds();
  }
}
