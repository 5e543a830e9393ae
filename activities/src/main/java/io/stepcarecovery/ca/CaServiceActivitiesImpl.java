package io.stepcarecovery.ca;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.service.ServiceControl;
import io.stepcarecovery.service.ServiceControls;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  public void lockCa(String ca, String owner) {
    ActivityErrors.runVoid(() -> {
      Path lock = lockFile(ca);
      Files.createDirectories(lock.getParent());
      try {
        Files.writeString(lock, owner + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return;
      } catch (FileAlreadyExistsException held) {
        String holder = Files.readString(lock).strip();
        if (holder.equals(owner)) {
          return; // a retry of our own
        }
        throw ApplicationFailure.newNonRetryableFailure("CA " + ca + " is busy: run " + holder
            + " is working on it, and two runs must never both stop and start it. Wait for it"
            + " (stepca-recovery status " + holder + "); if that run is gone for good, remove " + lock,
            "CaBusy");
      }
    });
  }

  @Override
  public void unlockCa(String ca, String owner) {
    ActivityErrors.runVoid(() -> {
      Path lock = lockFile(ca);
      if (Files.exists(lock) && Files.readString(lock).strip().equals(owner)) {
        Files.delete(lock);
      }
    });
  }

  private Path lockFile(String ca) {
    return config.ca(ca).backups().store().resolve(ca).resolve(".lock");
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
