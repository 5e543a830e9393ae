package io.stepcarecovery.cli;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import picocli.CommandLine.Option;

/** {@code --ca NAME}, a mixin: one declaration for every command that acts on one CA. */
final class CaOption {
  @Option(names = "--ca", paramLabel = "NAME", description = "The CA (default: the only one configured).")
  String name;

  /** The CA named, or the only one configured. */
  CaConfig of(StepcaRecoveryConfig config) {
    return name != null ? config.ca(name) : config.defaultCa();
  }
}
