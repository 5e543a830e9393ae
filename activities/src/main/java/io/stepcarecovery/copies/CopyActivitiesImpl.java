package io.stepcarecovery.copies;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.metrics.RunbookMetrics;
import io.stepcarecovery.signing.BackupSignature;
import io.stepcarecovery.store.BackupLookup;
import io.stepcarecovery.store.BackupStore;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Off-host copies on the CA host: see {@link CopyActivities}. */
public class CopyActivitiesImpl implements CopyActivities {
  private static final Logger log = LoggerFactory.getLogger(CopyActivitiesImpl.class);
  public static final String COPY_REFUSED = "CopyRefused";
  private final StepcaRecoveryConfig config;
  private final RunbookMetrics metrics;

  public CopyActivitiesImpl(StepcaRecoveryConfig config) {
    this(config, RunbookMetrics.unexported());
  }

  public CopyActivitiesImpl(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public List<String> copyUris(String ca) {
    return ActivityErrors.run(() -> OffsiteStores.uris(config.ca(ca)));
  }

  @Override
  public CopyReport copy(String ca, String backupId, String uri) {
    return refusing(() -> {
      CaConfig c = config.ca(ca);
      CopyConfig copy = configured(c, uri);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      LocalBackup local = local(store, BackupLookup.find(store, ca, backupId));
      long t0 = System.nanoTime();
      try (OffsiteStore s = OffsiteStores.open(ca, copy)) {
        CopyReport r = s.put(local, Heartbeat.of("copy to " + uri));
        log.info("backup {} of CA {} copied to {} and read back in {} ms ({} bytes)", backupId, ca, uri,
            (System.nanoTime() - t0) / 1_000_000, local.record().sizeBytes());
        if (r.verified()) {
          metrics.copyVerified(ca, uri, local.record().createdAt());
          // Retention per store, as the local store's prune does: never the backup just copied,
          // nor the newest that passed a drill.
          try {
            Set<String> protect = new HashSet<>(Set.of(local.backupId()));
            store.newestDrilled().ifPresent(protect::add);
            List<String> gone = CopyRetention.forget(s, c.backups().keepOrDefault(), protect, false);
            if (!gone.isEmpty()) {
              log.info("CA {}: {} forgot {} (keep {})", ca, uri, gone, c.backups().keepOrDefault());
            }
          } catch (IOException | RuntimeException e) {
            // The copy stands; the next backup or `forget` retries the retention.
            log.warn("CA {}: retention on {} failed: {}", ca, uri, e.getMessage());
          }
        }
        return r;
      }
    });
  }

  /** A published backup with the files a copy takes: archive, signature, record, work area. */
  static LocalBackup local(BackupStore store, StoredBackup b) {
    Path archive = Path.of(b.archive());
    Path sig = BackupSignature.of(archive);
    Path work = store.workDir(b.backupId());
    Path snapshot = work.resolve("snapshot");
    Path manifest = work.resolve("manifest.json");
    return new LocalBackup(b, archive, Files.exists(sig) ? sig : null, store.recordFile(b.backupId()),
        Files.isDirectory(snapshot) ? snapshot : null, Files.exists(manifest) ? manifest : null);
  }

  @Override
  public FetchReport fetch(String ca, String backup, String from) {
    return refusing(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      boolean localNamed = FetchReport.LOCAL.equals(from) || from != null
          && Path.of(from).toAbsolutePath().normalize().equals(c.backups().store().toAbsolutePath().normalize());
      List<String> misses = new ArrayList<>();
      if (from == null || localNamed) {
        try {
          return new FetchReport(FetchReport.LOCAL, BackupLookup.find(store, ca, backup).backupId());
        } catch (ConfigException | io.stepcarecovery.store.StoreException notHere) {
          if (localNamed) {
            throw notHere;
          }
          misses.add("local store " + store.dir() + ": " + notHere.getMessage());
        }
      }
      List<CopyConfig> candidates = from == null ? c.backups().copiesOrEmpty() : List.of(configured(c, from));
      for (CopyConfig copy : candidates) {
        Path into = null;
        try (OffsiteStore s = OffsiteStores.open(ca, copy)) {
          List<StoredBackup> held = s.list();
          StoredBackup b = BackupLookup.LATEST.equals(backup) ? held.stream().findFirst().orElse(null)
              : held.stream().filter(x -> x.backupId().equals(backup)).findFirst().orElse(null);
          if (b == null) {
            misses.add(copy.uri() + ": holds no " + (BackupLookup.LATEST.equals(backup) ? "backup" : "backup " + backup));
            continue;
          }
          store.prepare();
          into = store.dir().resolve(".work").resolve("fetch-" + b.backupId());
          StoredBackup fetched = s.fetch(b.backupId(), into, Heartbeat.of("fetch from " + copy.uri()));
          Path sig = BackupSignature.of(Path.of(fetched.archive()));
          store.adopt(fetched, Files.exists(sig) ? sig : null);
          try (var left = Files.list(into)) {
            for (Path p : left.toList()) {
              Files.deleteIfExists(p); // the copy's record, now written in the store
            }
          }
          Files.deleteIfExists(into);
          log.info("backup {} of CA {} fetched from {} into {}", b.backupId(), ca, copy.uri(), store.dir());
          return new FetchReport(copy.uri(), b.backupId());
        } catch (IOException | RuntimeException e) {
          // Any store's failure (unreachable, a corrupt read, a restic snapshot whose files do not
          // match its manifest) sends the fetch to the next store; what it left is removed.
          discardFetch(into);
          if (from != null) {
            throw e;
          }
          log.warn("backup {} of CA {}: {} not usable: {}", backup, ca, copy.uri(), e.getMessage());
          misses.add(copy.uri() + ": " + e.getMessage());
        }
      }
      throw new ConfigException("no store gave a usable copy of " + (BackupLookup.LATEST.equals(backup) ? "a backup"
          : "backup " + backup) + " of CA " + ca + ": " + String.join("; ", misses));
    });
  }

  /** Removes a failed fetch's half-written files (the regular files in its own directory). */
  private static void discardFetch(Path into) {
    if (into == null || !Files.isDirectory(into, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var left = Files.list(into)) {
      for (Path p : left.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(into);
    } catch (IOException | RuntimeException e) {
      log.warn("could not remove the failed fetch {}: {}", into, e.getMessage());
    }
  }

  private static CopyConfig configured(CaConfig c, String uri) {
    return OffsiteStores.named(c, uri).orElseThrow(() -> new ConfigException("CA " + c.name()
        + " has no copy " + uri + "; its stores: local" + (OffsiteStores.uris(c).isEmpty() ? ""
            : ", " + String.join(", ", OffsiteStores.uris(c)))));
  }

  /** A {@link CopyException} is not retried: a pinned key mismatch or a corrupt read-back stays so. */
  private static <T> T refusing(Callable<T> work) {
    return ActivityErrors.run(() -> {
      try {
        return work.call();
      } catch (CopyException e) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), COPY_REFUSED);
      }
    });
  }
}
