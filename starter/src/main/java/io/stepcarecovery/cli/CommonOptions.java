package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The config file (YAML). Default: $STEPCA_RECOVERY_CONFIG or /etc/stepca-recovery/config.yaml")
  Path config;

  @Option(names = "--temporal", paramLabel = "HOST:PORT",
      description = "Temporal frontend address; overrides $TEMPORAL_ADDRESS, which overrides temporal.address"
          + " in the config ($TEMPORAL_NAMESPACE and $TEMPORAL_TLS_CERT/_KEY/_CA as the Temporal CLI reads them)."
          + " Without one, runs on an embedded Temporal service (break-glass mode).")
  String temporal;

  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  StepcaRecoveryConfig load() {
    return ConfigLoader.load(config != null ? config : ConfigLoader.defaultLocation());
  }
}
