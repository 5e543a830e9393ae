package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the commands that read the backup store directly and never talk to Temporal
 * or this host's lock (backups, check, forget, unlock): no --temporal in their --help, since it would do nothing.
 */
final class StoreOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The config file (YAML). Default: $STEPCA_RECOVERY_CONFIG or /etc/stepca-recovery/config.yaml")
  Path config;

  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  @Mixin CaOption ca;

  StepcaRecoveryConfig load() {
    return ConfigLoader.load(config != null ? config : ConfigLoader.defaultLocation());
  }

  CaConfig caConfig() {
    return ca.of(load());
  }

  /** The options to repeat in a command printed for the person to paste. */
  String pasteable(CaConfig c) {
    return (config != null ? " --config " + RunContext.quote(config.toString()) : "") + " --ca " + c.name();
  }
}
