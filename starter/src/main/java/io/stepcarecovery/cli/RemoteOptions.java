package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.worker.TemporalSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Connecting to an existing Temporal service for commands that act on a workflow by id. */
final class RemoteOptions {
  private RemoteOptions() {}

  /** The config named, else the default file if there is one, else an empty one (no CA). */
  static StepcaRecoveryConfig config(CommonOptions common) {
    Path file = common.config != null ? common.config : ConfigLoader.defaultLocation();
    return common.config != null || Files.exists(file) ? ConfigLoader.load(file)
        : new StepcaRecoveryConfig(file, null, List.of(), List.of(), List.of());
  }

  static TemporalSession connect(CommonOptions common) {
    StepcaRecoveryConfig config = config(common);
    String address = TemporalSession.address(config, common.temporal);
    if (address == null) {
      throw new ConfigException("this command acts on a workflow in a Temporal service: pass --temporal"
          + " HOST:PORT, set TEMPORAL_ADDRESS or set temporal.address in the config (an embedded run cannot be reached from"
          + " another process)");
    }
    return TemporalSession.connect(config, address);
  }
}
