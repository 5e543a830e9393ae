package io.stepcarecovery.worker;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.metrics.RunbookMetrics;
import io.stepcarecovery.worker.metrics.WorkerMetrics;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The long-running worker: polls the shared queue and the queues of the hosts it serves. */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  /** Runs until the process is told to stop (SIGTERM / Ctrl-C), then drains in-flight work. */
  public static void run(StepcaRecoveryConfig config, TemporalSession session, List<String> hosts,
      boolean shared) {
    run(config, session, hosts, shared, null);
  }

  /** @param metrics the --metrics endpoint and what feeds it; null when not asked for */
  public static void run(StepcaRecoveryConfig config, TemporalSession session, List<String> hosts,
      boolean shared, WorkerMetrics metrics) {
    RunbookMetrics runbook = metrics == null ? RunbookMetrics.unexported() : metrics.runbook();
    CrashTestPause pause = CrashTestPause.fromEnvironment();
    WorkerFactory factory = pause == null ? WorkerFactory.newInstance(session.client())
        : WorkerFactory.newInstance(session.client(), WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(pause).build());
    if (pause != null) {
      log.warn("{} is set: this worker holds an activity for a crash test", CrashTestPause.VARIABLE);
    }
    if (shared) {
      StickyExecution sticky = StickyExecution.decide(config, session.client().getWorkflowServiceStubs());
      log.info("sticky execution {}: {}", sticky.enabled() ? "on" : "off", sticky.why());
      Workers.registerShared(factory, config, sticky, runbook);
    }
    Workers.registerHosts(factory, config, hosts, c -> Workers.hostActivities(c, runbook));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down worker");
      factory.shutdown();
      factory.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      if (metrics != null) {
        metrics.close();
      }
      stopped.countDown();
    }, "worker-shutdown"));
    factory.start();
    if (metrics != null) {
      metrics.startProbing(shared ? null : hosts);
    }
    log.info("worker polling {}{} at {}", shared ? TaskQueues.SHARED + " and " : "",
        hosts.stream().map(TaskQueues::forHost).toList(), session.address());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
