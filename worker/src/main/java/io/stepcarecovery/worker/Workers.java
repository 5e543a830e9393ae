package io.stepcarecovery.worker;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupActivitiesImpl;
import io.stepcarecovery.backup.BackupWorkflowImpl;
import io.stepcarecovery.ca.CaServiceActivitiesImpl;
import io.stepcarecovery.checklist.HostCheckActivitiesImpl;
import io.stepcarecovery.copies.CopyActivitiesImpl;
import io.stepcarecovery.checklist.ValidationActivitiesImpl;
import io.stepcarecovery.ingress.IngressActivitiesImpl;
import io.stepcarecovery.recovery.RecoveryWorkflowImpl;
import io.stepcarecovery.restore.DatabaseRestoreActivitiesImpl;
import io.stepcarecovery.restore.RestoreActivitiesImpl;
import io.stepcarecovery.restore.RestoreWorkflowImpl;
import io.stepcarecovery.verify.VerifyWorkflowImpl;
import io.stepcarecovery.drill.DrillActivitiesImpl;
import io.stepcarecovery.drill.DrillWorkflowImpl;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.probe.ProbeActivitiesImpl;
import io.stepcarecovery.metrics.RunbookMetrics;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.function.Function;

/**
 * Which code polls which task queue: workflows and client-side probes on the shared queue, the
 * CA-host work on {@code stepca-recovery@<host>} for every host this process serves.
 */
public final class Workers {
  private Workers() {}

  public static final List<Class<?>> WORKFLOWS = List.of(BackupWorkflowImpl.class,
      RestoreWorkflowImpl.class, RecoveryWorkflowImpl.class, VerifyWorkflowImpl.class, DrillWorkflowImpl.class);

  public static Object[] sharedActivities(StepcaRecoveryConfig config) {
    return sharedActivities(config, RunbookMetrics.unexported());
  }

  /** @param metrics where the activities record the runbook metrics (the worker's --metrics registry) */
  public static Object[] sharedActivities(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    return new Object[] {new ProbeActivitiesImpl(config), new ValidationActivitiesImpl(config),
        new DrillActivitiesImpl(config, metrics)};
  }

  public static Object[] hostActivities(StepcaRecoveryConfig config) {
    return hostActivities(config, RunbookMetrics.unexported());
  }

  public static Object[] hostActivities(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    return new Object[] {new CaServiceActivitiesImpl(config), new BackupActivitiesImpl(config, metrics),
        new RestoreActivitiesImpl(config), new DatabaseRestoreActivitiesImpl(config),
        new HostCheckActivitiesImpl(config),
        new IngressActivitiesImpl(config), new CopyActivitiesImpl(config, metrics),
        new DrillActivitiesImpl(config, metrics)};
  }

  public static void register(WorkerFactory factory, StepcaRecoveryConfig config, List<String> hosts) {
    register(factory, config, hosts, Workers::hostActivities);
  }

  /** @param hostActivities the CA-host activities (tests wrap them to inject failures) */
  public static void register(WorkerFactory factory, StepcaRecoveryConfig config, List<String> hosts,
      Function<StepcaRecoveryConfig, Object[]> hostActivities) {
    registerShared(factory, config, StickyExecution.embedded());
    registerHosts(factory, config, hosts, hostActivities);
  }

  /** Workflows and client-side probes, for a test server in this process. */
  public static void registerShared(WorkerFactory factory, StepcaRecoveryConfig config) {
    registerShared(factory, config, StickyExecution.embedded());
  }

  /** Workflows and client-side probes. */
  public static void registerShared(WorkerFactory factory, StepcaRecoveryConfig config, StickyExecution sticky) {
    registerShared(factory, config, sticky, RunbookMetrics.unexported());
  }

  public static void registerShared(WorkerFactory factory, StepcaRecoveryConfig config, StickyExecution sticky,
      RunbookMetrics metrics) {
    Worker shared = factory.newWorker(TaskQueues.SHARED, sticky.workerOptions());
    shared.registerWorkflowImplementationTypes(WORKFLOWS.toArray(Class<?>[]::new));
    shared.registerActivitiesImplementations(sharedActivities(config, metrics));
  }

  /** The work that must happen on the CA and ingress hosts. */
  public static void registerHosts(WorkerFactory factory, StepcaRecoveryConfig config, List<String> hosts,
      Function<StepcaRecoveryConfig, Object[]> hostActivities) {
    for (String host : hosts) {
      factory.newWorker(TaskQueues.forHost(host)).registerActivitiesImplementations(hostActivities.apply(config));
    }
  }
}
