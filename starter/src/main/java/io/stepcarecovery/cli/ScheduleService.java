package io.stepcarecovery.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import java.util.function.Supplier;

/**
 * The Temporal Schedules of the service the CLI talks to, for the {@code schedule} commands. A
 * service without Schedules (Temporal's test server: {@code dev-server} and the embedded mode) is
 * told by its own answer, gRPC UNIMPLEMENTED, not guessed from its address or version: the
 * command then exits 2 naming the systemd timers that do the same job without a cluster.
 */
final class ScheduleService implements AutoCloseable {
  /** Where the no-cluster alternative is. */
  static final String SYSTEMD_ALTERNATIVE = "without a Temporal cluster, run backups and drills from systemd"
      + " timers instead: deploy/systemd/stepca-recovery-backup.timer and stepca-recovery-drill.timer (README,"
      + " \"Schedules\")";

  private final TemporalSession session;
  private final StepcaRecoveryConfig config;
  private final ScheduleClient client;

  private ScheduleService(TemporalSession session, StepcaRecoveryConfig config) {
    this.session = session;
    this.config = config;
    this.client = ScheduleClient.newInstance(session.client().getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(session.client().getOptions().getNamespace()).build());
  }

  /** The service the options name (embedded without an address: it is asked too, and answers). */
  static ScheduleService open(StepcaRecoveryConfig config, CommonOptions common) {
    return new ScheduleService(TemporalSession.open(config, common.temporal), config);
  }

  ScheduleClient client() {
    return client;
  }

  TemporalSession session() {
    return session;
  }

  StepcaRecoveryConfig config() {
    return config;
  }

  /**
   * {@code call} against the service; its refusal as one of ours: {@link Unsupported} for a
   * service without Schedules, {@link NoSuchSchedule} for an id it does not know, the gRPC
   * status itself for anything else (Main prints it in one line).
   */
  <T> T call(String operation, String scheduleId, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      StatusRuntimeException status = status(e);
      if (status == null) {
        throw e;
      }
      if (status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new Unsupported(where() + " has no Temporal Schedules: it answered UNIMPLEMENTED to " + operation
            + (session.isEmbedded() ? " (the embedded break-glass service is Temporal's test server, gone when"
                + " the command ends)" : " (Temporal's test server, which `stepca-recovery dev-server` runs, has"
                + " none; a Temporal cluster or `temporal server start-dev` has)")
            + ". `schedule` needs a Temporal service with Schedules; " + SYSTEMD_ALTERNATIVE);
      }
      if (status.getStatus().getCode() == Status.Code.NOT_FOUND && scheduleId != null) {
        throw new NoSuchSchedule("no schedule " + TerminalText.line(scheduleId) + " at " + where()
            + ": `stepca-recovery schedule list` shows those there");
      }
      throw status;
    }
  }

  /**
   * What pause, unpause, trigger and delete share: open the service named by the options, do one
   * thing to one schedule, say what was done (text or --json).
   */
  static int onSchedule(CommonOptions common, picocli.CommandLine cmd, String scheduleId, String operation,
      java.util.function.Consumer<io.temporal.client.schedules.ScheduleHandle> action, String state, String text) {
    try (ScheduleService service = open(RemoteOptions.config(common), common)) {
      service.run(operation, scheduleId, () -> action.accept(service.client().getHandle(scheduleId)));
      ScheduleOutput.done(cmd, common.json, scheduleId, state, text);
      return Main.OK;
    }
  }

  void run(String operation, String scheduleId, Runnable call) {
    call(operation, scheduleId, () -> {
      call.run();
      return null;
    });
  }

  private String where() {
    return session.isEmbedded() ? "the embedded Temporal service (no --temporal, TEMPORAL_ADDRESS or"
        + " temporal.address)" : "the Temporal service at " + session.address();
  }

  private static StatusRuntimeException status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }

  @Override
  public void close() {
    session.close();
  }

  /** The service has no Schedules: exit 2 (Main prints a ConfigException's message alone), as for usage. */
  static final class Unsupported extends ConfigException {
    Unsupported(String message) {
      super(message);
    }
  }

  /** The service does not know the schedule id: exit 2, as an unknown workflow id. */
  static final class NoSuchSchedule extends ConfigException {
    NoSuchSchedule(String message) {
      super(message);
    }
  }
}
