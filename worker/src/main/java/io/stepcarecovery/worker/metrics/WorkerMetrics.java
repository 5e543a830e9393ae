package io.stepcarecovery.worker.metrics;

import com.uber.m3.tally.Scope;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stepcarecovery.checklist.MetricsProbe;
import io.stepcarecovery.config.ListenAddress;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.metrics.RunbookMetrics;
import io.stepcarecovery.metrics.CopySeed;
import io.stepcarecovery.metrics.StoreSeed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything behind {@code worker --metrics}: one registry holding the SDK's and the runbook's
 * metrics, the endpoint serving it, and the periodic read-only probe that keeps the health and
 * expiry gauges current.
 */
public final class WorkerMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);
  private final PrometheusMeterRegistry registry;
  private final RunbookMetrics runbook;
  private final Scope temporalScope;
  private final MetricsEndpoint endpoint;
  private final StepcaRecoveryConfig config;
  private final ScheduledExecutorService probing;

  private WorkerMetrics(StepcaRecoveryConfig config, PrometheusMeterRegistry registry, MetricsEndpoint endpoint) {
    this.config = config;
    this.registry = registry;
    this.runbook = new RunbookMetrics(registry);
    this.temporalScope = TemporalMetrics.scope(registry);
    this.endpoint = endpoint;
    this.probing = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-probe");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Binds the endpoint first (a taken port fails the start at once, before Temporal is dialled)
   * and seeds the backup and drill times from the stores' records (the off-host copies' times
   * in the background).
   */
  public static WorkerMetrics start(ListenAddress address, StepcaRecoveryConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsEndpoint endpoint = MetricsEndpoint.start(address, registry);
    WorkerMetrics m = new WorkerMetrics(config, registry, endpoint);
    StoreSeed.seed(config, m.runbook);
    // Off-host stores answer over the network (an SFTP host may be slow or down): listed on a
    // thread of their own, so neither the worker's start nor the first health probe waits.
    Thread copies = new Thread(() -> CopySeed.seed(config, m.runbook), "metrics-copy-seed");
    copies.setDaemon(true);
    copies.start();
    log.info("metrics on http://{}/metrics", address.host().contains(":") ? "[" + address.host() + "]:"
        + endpoint.port() : address.host() + ":" + endpoint.port());
    return m;
  }

  public RunbookMetrics runbook() {
    return runbook;
  }

  public Scope temporalScope() {
    return temporalScope;
  }

  public int port() {
    return endpoint.port();
  }

  /**
   * The probe at once, then every {@code metrics.probeInterval}; a failed round waits for the next.
   * {@code hostsOnly}: the CAs of these hosts alone (a {@code --hosts-only} worker); null: every CA.
   */
  public void startProbing(List<String> hostsOnly) {
    MetricsProbe probe = hostsOnly == null ? new MetricsProbe(config, runbook)
        : MetricsProbe.onHosts(config, runbook, hostsOnly);
    Duration every = config.metricsProbeIntervalOrDefault();
    probing.scheduleWithFixedDelay(() -> {
      try {
        probe.probeOnce();
      } catch (RuntimeException e) {
        log.warn("metrics probe failed: {}", e.getMessage());
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Idempotent: the shutdown hook and the command's own cleanup may both call it. */
  @Override
  public synchronized void close() {
    if (probing.isShutdown()) {
      return;
    }
    probing.shutdownNow();
    try {
      temporalScope.close();
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      log.debug("closing the SDK metrics scope: {}", e.getMessage());
    }
    endpoint.close();
    registry.close();
  }
}
