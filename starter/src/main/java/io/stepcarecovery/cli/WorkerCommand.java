package io.stepcarecovery.cli;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.worker.TemporalSession;
import io.stepcarecovery.worker.WorkerMain;
import io.stepcarecovery.worker.metrics.MetricsEndpoint;
import io.stepcarecovery.worker.metrics.WorkerMetrics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {
        "Run the long-lived worker: workflows and probes on the shared task queue, and the CA-host"
            + " work (service control, snapshots, archives) on stepca-recovery@HOST for each host it"
            + " serves. Runs until SIGTERM or Ctrl-C.",
        "Run one on every CA host and ingress host (--host NAME), or one for all hosts on a"
            + " single-host setup (the default)."})
final class WorkerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--host", paramLabel = "NAME",
      description = "A host whose queue this worker polls; repeatable. Default: every host in the config.")
  List<String> hosts;

  @Option(names = "--hosts-only",
      description = "Poll only the host queue(s), not the shared queue of workflows and probes: the"
          + " worker of a CA or ingress host when workflows run elsewhere.")
  boolean hostsOnly;

  @Option(names = "--shared-only",
      description = "Poll only the shared queue (workflows and probes), no host queue: the workflow"
          + " worker when every CA and ingress host runs its own --hosts-only worker.")
  boolean sharedOnly;

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics on http://HOST:PORT/metrics: the runbook's (last backup,"
          + " drill, off-host copies, CA health, certificate expiries) and the Temporal SDK's. A bare"
          + " PORT binds 127.0.0.1. Off unless given.")
  String metrics;

  @Override
  public Integer call() {
    StepcaRecoveryConfig config = common.load();
    String address = TemporalSession.address(config, common.temporal);
    if (address == null) {
      throw new ConfigException("the worker needs a Temporal service: set temporal.address in "
          + config.source() + " or pass --temporal HOST:PORT (commands without an address run"
          + " their own embedded worker)");
    }
    if (hostsOnly && sharedOnly) {
      throw new ConfigException("--hosts-only and --shared-only exclude each other");
    }
    List<String> served = sharedOnly ? List.of() : hosts == null || hosts.isEmpty() ? config.hosts() : hosts;
    WorkerMetrics exported = metrics == null ? null : WorkerMetrics.start(MetricsEndpoint.parse(metrics), config);
    try (TemporalSession session = TemporalSession.connect(config, address, true,
        exported == null ? null : exported.temporalScope())) {
      WorkerMain.run(config, session, served, !hostsOnly, exported);
    } finally {
      if (exported != null) {
        exported.close();
      }
    }
    return Main.OK;
  }
}
