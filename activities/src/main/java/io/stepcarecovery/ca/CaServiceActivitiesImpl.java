package io.stepcarecovery.ca;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.service.ServiceControl;
import io.stepcarecovery.service.ServiceControls;
import io.stepcarecovery.lock.CaLock;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Service control of the CAs configured on this host. */
public class CaServiceActivitiesImpl implements CaServiceActivities {
  private static final Logger log = LoggerFactory.getLogger(CaServiceActivitiesImpl.class);
  private final StepcaRecoveryConfig config;
  private final Map<String, ServiceControl> services = new ConcurrentHashMap<>();

  public CaServiceActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  public ServiceControl service(String ca) {
    return services.computeIfAbsent(ca, n -> ServiceControls.of(n, config.ca(n).service()));
  }

  @Override
  public ServiceStatus caStatus(String ca) {
    return ActivityErrors.run(() -> {
      ServiceControl s = service(ca);
      return new ServiceStatus(s.isRunning(), s.describeState());
    });
  }

  @Override
  public StopReport stopCa(String ca) {
    return ActivityErrors.run(() -> {
      ServiceControl s = service(ca);
      long requested = System.currentTimeMillis();
      boolean wasRunning = s.isRunning();
      if (wasRunning) {
        log.info("stopping CA {}", ca);
        s.stop();
      }
      long stopped = System.currentTimeMillis();
      log.info("CA {} stopped ({} ms)", ca, stopped - requested);
      return new StopReport(wasRunning, requested, stopped);
    });
  }

  @Override
  public LockReport lockCa(String ca, String owner) {
    return ActivityErrors.run(() -> {
      try {
        return lock(ca).acquire(owner);
      } catch (CaLock.BusyException busy) {
        throw ApplicationFailure.newNonRetryableFailure(busy.getMessage(), "CaBusy");
      }
    });
  }

  @Override
  public void unlockCa(String ca, String owner) {
    ActivityErrors.runVoid(() -> lock(ca).release(owner));
  }

  /** On the CA host, never in the store: a store may be read-only or a copy elsewhere. */
  private CaLock lock(String ca) {
    return new CaLock(config.lockDirOrDefault(), config.ca(ca).name());
  }

  @Override
  public StartReport startCa(String ca) {
    return ActivityErrors.run(() -> {
      ServiceControl s = service(ca);
      long at = System.currentTimeMillis();
      boolean running = s.isRunning();
      if (!running) {
        log.info("starting CA {}", ca);
        s.start();
      }
      return new StartReport(running, at);
    });
  }
}
