package io.stepcarecovery.worker;

import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The embedded Temporal service, started on a thread of its own while the command still reads its
 * config and checks its options: in break-glass mode the service's start (its gRPC server, client
 * and worker factory: most of a second, more on a loaded host) and the config's parsing no longer
 * follow one another. Started only when no address is given on the command line or in the
 * environment; a config that names one discards it ({@link #close}).
 */
public final class EmbeddedStart implements AutoCloseable {
  /** The environment and whether the runbook's search attributes could be registered on it. */
  record Started(TestWorkflowEnvironment env, boolean searchAttributes) {}

  private final CompletableFuture<Started> started;
  private boolean handedOver;

  private EmbeddedStart(CompletableFuture<Started> started) {
    this.started = started;
  }

  /**
   * Starts the service now when this command will run embedded unless its config names an
   * address; null when --temporal or $TEMPORAL_ADDRESS already name one.
   */
  public static EmbeddedStart begin(String flag) {
    if (TemporalEnvironment.address(null, flag, System.getenv()) != null) {
      return null;
    }
    CompletableFuture<Started> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(start());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "embedded-temporal-start");
    t.setDaemon(true);
    t.start();
    return new EmbeddedStart(f);
  }

  /** What {@link TemporalSession#embedded} starts: the service, no worker yet (that needs the config). */
  static Started start() {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder().setUseTimeskipping(false);
    CrashTestPause pause = CrashTestPause.fromEnvironment();
    if (pause != null) {
      // crash and interrupt tests hold a step of an embedded run too
      options.setWorkerFactoryOptions(io.temporal.worker.WorkerFactoryOptions.newBuilder()
          .setWorkerInterceptors(pause).build());
    }
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options.build());
    boolean attributes = true;
    for (Map.Entry<String, io.temporal.api.enums.v1.IndexedValueType> a : RunbookAttributes.ALL.entrySet()) {
      attributes &= env.registerSearchAttribute(a.getKey(), a.getValue());
    }
    return new Started(env, attributes);
  }

  /** The started service, once it is up; from then on the session closes it. */
  Started take() {
    handedOver = true;
    try {
      return started.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the embedded Temporal service started", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** Stops the service if no session took it (the config named an address, or the command failed first). */
  @Override
  public void close() {
    if (!handedOver) {
      handedOver = true;
      started.thenAccept(s -> s.env().close());
    }
  }
}
