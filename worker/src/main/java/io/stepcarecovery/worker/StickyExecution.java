package io.stepcarecovery.worker;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/**
 * Whether a workflow worker asks for sticky execution. With it, the service sends a run's next
 * workflow task to the queue of the worker that ran the last one; a real cluster moves it back to
 * the normal queue when that worker stops polling (after the sticky schedule-to-start timeout),
 * but Temporal's test server (the embedded service, the {@code dev-server}) never does: a run whose
 * workflow worker was killed would stay RUNNING forever, whatever new worker is started.
 *
 * <p>Without sticky execution every workflow task goes to the normal queue with the full history,
 * which any worker can take. It costs a replay per task; the runbook's histories are short.
 *
 * <p>How the worker knows: {@code temporal.stickyExecution} in the config when set; otherwise the
 * service itself. A real server names its version in GetSystemInfo, the test server leaves it
 * empty. Asking the service, not the command line, covers every way a test server can be run (the
 * dev-server command, {@code java ... TestServer PORT}, an old build of this tool).
 */
public record StickyExecution(boolean enabled, String why) {

  public static StickyExecution decide(StepcaRecoveryConfig config, WorkflowServiceStubs stubs) {
    Boolean configured = config.temporal() == null ? null : config.temporal().stickyExecution();
    if (configured != null) {
      return new StickyExecution(configured, "temporal.stickyExecution: " + configured + " in " + config.source());
    }
    String version;
    try {
      version = stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion();
    } catch (RuntimeException e) {
      // Cannot tell: without stickiness a run survives any worker's death, on any service.
      return new StickyExecution(false, "the service did not answer GetSystemInfo (" + e.getMessage() + ")");
    }
    return version.isBlank()
        ? new StickyExecution(false, "the service names no version: Temporal's test server (dev-server),"
            + " which never moves a dead worker's sticky task back")
        : new StickyExecution(true, "Temporal server " + version);
  }

  /** Sticky off for the test server that runs in this very process (it dies with the worker). */
  public static StickyExecution embedded() {
    return new StickyExecution(false, "embedded test server");
  }

  /** The options of a workflow worker: a zero sticky timeout means no sticky attributes at all. */
  public WorkerOptions workerOptions() {
    return enabled ? WorkerOptions.getDefaultInstance()
        : WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();
  }
}
