package io.stepcarecovery.backup;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.ArchiveWriter;
import io.stepcarecovery.archive.DiskErrors;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.archive.Snapshotter;
import io.stepcarecovery.archive.TreeCheck;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.encryption.BackupEncryption;
import io.stepcarecovery.encryption.RecipientKey;
import io.stepcarecovery.signing.BackupSignature;
import io.stepcarecovery.signing.SigningKey;
import io.stepcarecovery.sqldb.MysqlDsn;
import io.stepcarecovery.sqldb.MysqlDump;
import io.stepcarecovery.store.BackupStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import io.stepcarecovery.metrics.RunbookMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file side of a backup, on the CA host. */
public class BackupActivitiesImpl implements BackupActivities {
  private static final Logger log = LoggerFactory.getLogger(BackupActivitiesImpl.class);
  private static final String MANIFEST_AS_WRITTEN = "manifest.json";
  private final StepcaRecoveryConfig config;
  private final RunbookMetrics metrics;

  public BackupActivitiesImpl(StepcaRecoveryConfig config) {
    this(config, RunbookMetrics.unexported());
  }

  public BackupActivitiesImpl(StepcaRecoveryConfig config, RunbookMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /** Counts a failed attempt of a backup step for the "backup failing" alert, then rethrows. */
  private <T> T counted(String ca, java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException | Error e) {
      metrics.backupFailed(ca);
      throw e;
    }
  }

  @Override
  public BackupPlan preflight(String ca, boolean configOnly) {
    return counted(ca, () -> ActivityErrors.run(() -> plan(config.ca(ca), configOnly)));
  }

  /** What to back up, from ca.json: the step path plus whatever it points to outside it. */
  static BackupPlan plan(CaConfig c, boolean configOnly) throws IOException {
    CaJson json = CaJson.read(c.caConfig());
    CaJson.Db db = json.db();
    Path stepPath = StepPath.of(c.caConfig());
    List<Path> wanted = new ArrayList<>();
    wanted.add(stepPath);
    boolean online = false;
    if (db.isMysql() && !configOnly) {
      // an online dump: checked now (a bad DSN or missing client fails before anything runs)
      MysqlDsn.parse(db.dsn(), c.caConfig() + " db.dataSource");
      MysqlDsn.database(db.database(), c.caConfig() + " db.database");
      MysqlDump.client();
      online = true;
    } else if (db.isExternal()) {
      if (!configOnly) {
        throw new ConfigException("CA " + c.name() + " keeps its database in " + db.type()
            + " (" + c.caConfig() + " db.type): a file backup does not cover an external database."
            + " Back the database up with its own tools, then run the backup with --config-only"
            + " to archive config, certs and secrets alone");
      }
    } else if (db.isBadger() || db.isBbolt()) {
      wanted.add(db.dataSource());
      if (db.valueDir() != null) {
        wanted.add(db.valueDir());
      }
    } else if (!db.isNone()) {
      throw new ConfigException(c.caConfig() + ": db.type '" + db.type() + "' is not one step-ca"
          + " supports here (badgerv2, badger, badgerv1, bbolt, mysql, postgresql)");
    }
    for (Path p : new Path[] {json.root(), json.crt(), json.key()}) {
      if (p != null) {
        wanted.add(p);
      }
    }
    List<Path> roots = new ArrayList<>();
    for (Path p : wanted) {
      Path n = p.toAbsolutePath().normalize();
      if (roots.stream().noneMatch(n::startsWith)) {
        roots.removeIf(r -> r.startsWith(n));
        roots.add(n);
      }
    }
    for (Path r : roots) {
      if (!Files.exists(r, LinkOption.NOFOLLOW_LINKS)) {
        throw new ConfigException(r + " does not exist, but " + c.caConfig() + " names it: the CA's"
            + " data is not where its config says (wrong caConfig, or the data is already lost:"
            + " restore instead of backing up)");
      }
    }
    Path store = c.backups().store().toAbsolutePath().normalize();
    for (Path r : roots) {
      if (store.startsWith(r)) {
        throw new ConfigException("backups.store " + store + " lies inside the CA's data " + r
            + ": a backup would contain itself; choose a store outside it");
      }
    }
    // Everything the snapshot will copy, checked while the CA still runs: symlinked roots and
    // named paths, names that cannot be stored, links leading out, a store inside by real path.
    Set<Path> follow = new LinkedHashSet<>();
    for (Path p : wanted) {
      follow.add(p.toAbsolutePath().normalize());
    }
    TreeCheck.Result tree = TreeCheck.check(c.name(), roots, follow,
        Set.of(stepPath.resolve(Manifest.DIR)), store);
    long bytes = tree.bytes();
    BackupStore backups = new BackupStore(store, c.name());
    backups.prepare();
    // A bad encryption or signing key (or passphrase) must stop the backup here, before the CA is stopped.
    BackupEncryption.recipient(c.backups());
    BackupSignature.signer(c.backups());
    long needed = 2 * bytes + (16L << 20);
    if (backups.usableBytes() < needed) {
      throw new ConfigException("not enough free space in " + backups.dir() + ": "
          + backups.usableBytes() / (1 << 20) + " MiB free, a backup of " + bytes / (1 << 20)
          + " MiB needs about " + needed / (1 << 20) + " MiB (snapshot + archive)");
    }
    String rootFp = json.root() == null ? null : Fingerprints.ofFile(json.root());
    String interFp = json.crt() == null ? null : Fingerprints.ofFile(json.crt());
    return new BackupPlan(c.caConfig().toString(), stepPath.toString(),
        roots.stream().map(Path::toString).toList(), db.isNone() ? "none" : db.type(), bytes,
        rootFp, interFp, tree.followed(), online ? Boolean.TRUE : null);
  }

  /**
   * Where the online dump of {@code database} lies under the step path, so it is an archive
   * member beside the files (listed in the manifest with its SHA-256): beside the manifest, in
   * {@code STEPPATH/.stepca-recovery/db/DATABASE.sql}, which the snapshot never copies from the host.
   */
  static Path dumpPath(Path snapshotDir, String stepPath, String database) {
    return Snapshotter.mirror(snapshotDir, Path.of(stepPath)).resolve(Manifest.DIR).resolve("db")
        .resolve(database + ".sql");
  }

  @Override
  public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
    return counted(ca, () -> ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      Path snap = store.workDir(backupId).resolve("snapshot");
      store.discardWork(backupId); // a retry starts from a clean work area
      Files.createDirectories(snap);
      long t0 = System.nanoTime();
      Set<Path> follow = new LinkedHashSet<>();
      plan.symlinkedPathsOrEmpty().keySet().forEach(p -> follow.add(Path.of(p)));
      // the newest value log is only linked now and copied by archive(), after the CA is back
      Snapshotter.Result r = Snapshotter.copyWhileStopped(plan.roots().stream().map(Path::of).toList(), follow,
          snap, List.of(Path.of(plan.stepPath()).resolve(Manifest.DIR)), Heartbeat.of("snapshot"));
      long files = r.files();
      long bytes = r.bytes();
      if (plan.isOnline()) {
        // the files are copied with the CA running (config, certs, secrets: step-ca does not write
        // them); its database is dumped in one InnoDB snapshot while it keeps issuing
        CaJson.Db db = CaJson.read(c.caConfig()).db();
        if (!db.isMysql()) {
          throw new ConfigException(c.caConfig() + ": db.type changed from mysql to '" + db.type()
              + "' since the backup's preflight; back up again");
        }
        MysqlDsn dsn = MysqlDsn.parse(db.dsn(), c.caConfig() + " db.dataSource");
        String database = MysqlDsn.database(db.database(), c.caConfig() + " db.database");
        Path scratch = store.workDir(backupId).resolve("client");
        Files.createDirectories(scratch);
        Files.setPosixFilePermissions(scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        MysqlDump.Result d = MysqlDump.dump(dsn, database, dumpPath(snap, plan.stepPath(), database), scratch,
            Heartbeat.of("dump"));
        log.info("online dump of CA {}: database {} at {} by {}, {} bytes in {} ms (CA kept running)", ca,
            database, dsn.address(), d.client(), d.bytes(), d.millis());
        files++;
        bytes += d.bytes();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      log.info("snapshot of CA {}: {} files, {} bytes in {} ms ({} bytes of sealed value logs linked, {} bytes"
          + " of the newest value log linked, to be copied once the CA runs)", ca, r.files(), r.bytes(), ms,
          r.linkedBytes(), r.deferredBytes());
      return new SnapshotReport(snap.toString(), files, bytes, ms);
    }));
  }

  @Override
  public ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan) {
    return counted(ca, () -> ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      Path work = store.workDir(backupId);
      RecipientKey recipient = BackupEncryption.recipient(c.backups());
      Path partial = store.partial(backupId, recipient != null);
      Manifest template = new Manifest(Manifest.FORMAT, backupId, ca, c.url(), createdAt, reason,
          plan.dbType(), plan.caConfig(), plan.stepPath(), plan.roots(), plan.rootFingerprint(),
          plan.intermediateFingerprint(), List.of(),
          plan.symlinkedPathsOrEmpty().isEmpty() ? null : plan.symlinkedPathsOrEmpty());
      long t0 = System.nanoTime();
      // completes the snapshot: the newest value log's bytes as the stopped CA left them
      long finished = Snapshotter.finish(work.resolve("snapshot"));
      if (finished > 0) {
        log.info("snapshot of CA {} completed: {} bytes of the newest value log copied in {} ms", ca, finished,
            (System.nanoTime() - t0) / 1_000_000);
      }
      ArchiveWriter.Layer layer = recipient == null ? ArchiveWriter.Layer.NONE
          : out -> recipient.encrypting(out, backupId + ".tar.gz");
      ArchiveWriter.Result r = ArchiveWriter.write(work.resolve("snapshot"), template, partial, layer,
          Heartbeat.of("archive"));
      // For publish on a host that cannot decrypt what it stores: the manifest as written.
      Path asWritten = work.resolve(MANIFEST_AS_WRITTEN);
      try {
        Files.write(asWritten, r.manifest().toJson());
      } catch (IOException e) {
        throw DiskErrors.naming(asWritten, e);
      }
      // Signed in the work area, over the exact bytes that will be stored.
      SigningKey signer = BackupSignature.signer(c.backups());
      if (signer != null) {
        signer.sign(partial, BackupSignature.of(partial), Heartbeat.of("sign"));
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      log.info("archive of CA {}: {} bytes, {} entries in {} ms{}{}", ca, r.sizeBytes(), r.entries(), ms,
          recipient == null ? "" : ", encrypted to " + recipient.fingerprint(),
          signer == null ? "" : ", signed by " + signer.fingerprint());
      return new ArchiveReport(partial.toString(), r.sha256(), r.sizeBytes(), r.entries(), ms,
          recipient == null ? null : recipient.fingerprint(), signer == null ? null : signer.fingerprint());
    }));
  }

  @Override
  public StoredBackup publish(String ca, String backupId, ArchiveReport archive, Long caDowntimeMillis) {
    return counted(ca, () -> ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      RecipientKey recipient = null;
      ArchiveReader.Layer reading = null;
      if (archive.encryptedTo() != null) {
        recipient = BackupEncryption.recipient(c.backups());
        if (recipient == null || !recipient.fingerprint().equals(archive.encryptedTo())) {
          throw new ConfigException("backups.encryptTo of CA " + ca + " changed while backup " + backupId
              + " was being written (it was encrypted to " + archive.encryptedTo() + "); back up again");
        }
        if (c.backups().decryptKey() != null) {
          reading = BackupEncryption.reading(c.backups(), store.archive(backupId, true), "backup " + backupId);
        }
      }
      Path asWritten = store.workDir(backupId).resolve(MANIFEST_AS_WRITTEN);
      Manifest written = Files.exists(asWritten) ? Manifest.parse(Files.readAllBytes(asWritten)) : null;
      Path partial = Path.of(archive.partialPath());
      StoredBackup stored = store.publish(backupId, partial, archive.sha256(), recipient, reading, written,
          archive.signedBy() == null ? null : BackupSignature.of(partial), archive.signedBy(),
          caDowntimeMillis == null || caDowntimeMillis < 0 ? null : caDowntimeMillis, Heartbeat.of("verify"));
      metrics.backupSucceeded(ca, stored.createdAt(), stored.sizeBytes(), stored.caDowntimeMillis());
      return stored;
    }));
  }

  @Override
  public PruneReport prune(String ca, String justMade) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      List<String> deleted = store.prune(c.backups().keepOrDefault(), justMade);
      List<String> future = store.futureDated();
      if (!future.isEmpty()) {
        log.warn("CA {}: backup record(s) {} in {} are dated more than 5 minutes after this host's clock"
            + " (a host with a fast clock, or forged): ranked after every real backup, never pruned"
            + " nor taken as the latest; check the clock of the host that wrote them", ca, future, store.dir());
      }
      return new PruneReport(store.list().size(), deleted, future);
    });
  }

  @Override
  public void discardWork(String ca, String backupId) {
    ActivityErrors.runVoid(() -> new BackupStore(config.ca(ca).backups().store(), ca).discardWork(backupId));
  }
}
