package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.ca.CaServiceActivitiesImpl;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.metrics.RunbookMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup workflow on Temporal's own test server (the one fake: no Temporal cluster runs
 * here), with the real activities against a real step-ca started by lab/up (command backend).
 */
@Tag("lab")
class BackupWorkflowTest {
  @TempDir Path tmp;
  LabCa lab;
  StepcaRecoveryConfig config;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
    config = lab.config();
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  }

  @AfterEach
  void down() {
    env.close();
    lab.close();
  }

  private BackupWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
  }

  @Test
  void backupArchivesTheWholeCaVerifiesItAndLeavesTheCaHealthy() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RunbookMetrics metrics = new RunbookMetrics(registry);
    Workers.register(env.getWorkerFactory(), config, config.hosts(), c -> Workers.hostActivities(c, metrics));
    env.start();
    String caJsonBefore = Files.readString(lab.caJson());

    BackupResult r = stub().backup(new BackupRequest("lab", "test: before upgrade"));
    // the downtime the workflow measured is in the record (what a restarted worker seeds from)
    // and in the metric the publishing worker exports
    assertEquals(r.caDowntimeMillis(), new BackupStore(config.ca("lab").backups().store(), "lab")
        .find(r.backupId()).caDowntimeMillis(), "the record's CA downtime");
    assertEquals(r.caDowntimeMillis() / 1000.0, registry.get(RunbookMetrics.BACKUP_CA_DOWNTIME).tags("ca", "lab")
        .gauge().value(), 1e-9, "stepca_backup_ca_downtime_seconds");

    Path archive = Path.of(r.archive());
    assertEquals(lab.dir().resolve("backups/lab/" + r.backupId() + ".tar.gz"), archive);
    assertEquals(r.sha256(), sha256(archive), "the result's SHA-256 is the stored file's");
    assertEquals(Files.size(archive), r.sizeBytes());
    assertEquals("badgerv2", r.dbType());
    assertTrue(r.caWasRunning());
    assertTrue(r.caDowntimeMillis() > 0, "downtime measured");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.getParent())));

    // GNU tar lists it: restorable by hand exactly as the runbook does.
    String listing = LabCa.run(List.of("tar", "-tzf", archive.toString()), 60);
    String step = lab.stepPath().toString().substring(1);
    for (String expected : List.of("config/ca.json", "config/defaults.json", "certs/root_ca.crt",
        "certs/intermediate_ca.crt", "secrets/root_ca_key", "secrets/intermediate_ca_key",
        "db/MANIFEST", "db/KEYREGISTRY", ".stepca-recovery/manifest.json")) {
      assertTrue(listing.lines().anyMatch(l -> l.equals(step + "/" + expected)),
          expected + " in the archive:\n" + listing);
    }
    assertTrue(listing.lines().anyMatch(l -> l.startsWith(step + "/db/") && (l.endsWith(".vlog") || l.endsWith(".sst"))),
        "badger data files archived:\n" + listing);

    // Every checksum in the manifest matches the archived bytes, and ca.json's matches the live file.
    ArchiveReader.Verified v = ArchiveReader.verify(archive);
    assertEquals(r.sha256(), v.sha256());
    Map<String, Manifest.FileEntry> files = v.manifest().files().stream()
        .collect(Collectors.toMap(Manifest.FileEntry::path, f -> f));
    Manifest.FileEntry caJson = files.get(lab.caJson().toString());
    assertEquals(sha256(lab.caJson()), caJson.sha256());
    assertEquals(caJsonBefore, Files.readString(lab.caJson()));
    assertEquals("0600", files.get(lab.stepPath().resolve("secrets/intermediate_ca_key").toString()).mode());
    assertEquals(r.rootFingerprint(), v.manifest().rootFingerprint());
    assertEquals("test: before upgrade", v.manifest().reason());

    assertTrue(lab.healthy(), "the CA answers /health after the backup");
    assertEquals(List.of(r.backupId()), new BackupStore(lab.dir().resolve("backups"), "lab").list()
        .stream().map(StoredBackup::backupId).toList());
    assertFalse(Files.exists(lab.dir().resolve("backups/lab/.work/" + r.backupId())), "work area cleaned");
  }

  @Test
  void storeThatRefusesWritesAfterTheStopStillLeavesTheCaRunningAndSaysWhy() throws Exception {
    Path work = lab.dir().resolve("backups/lab/.work");
    Function<StepcaRecoveryConfig, Object[]> faulty = c -> new Object[] {
        new CaServiceActivitiesImpl(c),
        new DelegatingBackupActivities(new BackupActivitiesImpl(c)) {
          @Override
          public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
            // The CA is stopped now. The store's disk turns read-only under us (immutable: even root is refused).
            LabCa.run(List.of("chattr", "+i", work.toString()), 10);
            return super.snapshot(ca, backupId, plan);
          }
        }};
    Workers.register(env.getWorkerFactory(), config, config.hosts(), faulty);
    env.start();
    try {
      WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
          () -> stub().backup(new BackupRequest("lab", "fault injection")));
      String why = Failures.rootMessage(e);
      assertTrue(why.contains("Operation not permitted") && why.contains(work.toString()), why);
    } finally {
      LabCa.run(List.of("chattr", "-i", work.toString()), 10);
    }
    assertTrue(lab.caProcessRunning(), "the CA was started again");
    assertTrue(lab.healthy(), "and answers /health");
    assertTrue(new BackupStore(lab.dir().resolve("backups"), "lab").list().isEmpty(), "no backup recorded");
  }

  @Test
  void storeThatFillsUpMidArchiveFailsClearlyLeavesNothingHalfWrittenAndTheNextBackupWorks() throws Exception {
    // A real full disk: the store is a small tmpfs (needs root, as CI runs; fails loudly otherwise),
    // and something else fills it while the archive is being written.
    Path storeRoot = Files.createDirectories(lab.dir().resolve("backups"));
    LabCa.run(List.of("mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", storeRoot.toString()), 10);
    Path filler = storeRoot.resolve("someone-elses-file");
    java.util.concurrent.atomic.AtomicBoolean filled = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      Function<StepcaRecoveryConfig, Object[]> filling = c -> new Object[] {
          new CaServiceActivitiesImpl(c),
          new DelegatingBackupActivities(new BackupActivitiesImpl(c)) {
            @Override
            public ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan) {
              if (filled.getAndSet(true)) {
                return super.archive(ca, backupId, reason, createdAt, plan); // once only
              }
              try {
                long free = Files.getFileStore(storeRoot).getUsableSpace();
                try (var ch = java.nio.channels.FileChannel.open(filler, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                  java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(1 << 16);
                  // Leaves 4 KiB: less than the lab's archive, so its writing runs out part-way.
                  for (long left = free - (4 << 10); left > 0; left -= zeros.capacity()) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                    ch.write(zeros);
                  }
                }
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return super.archive(ca, backupId, reason, createdAt, plan);
            }
          }};
      Workers.register(env.getWorkerFactory(), config, config.hosts(), filling);
      env.start();
      WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
          () -> stub().backup(new BackupRequest("lab", "disk fills up")));
      String why = Failures.rootMessage(e);
      assertTrue(why.contains("No space left on device") && why.contains(storeRoot.toString()), why);
      assertTrue(lab.caProcessRunning(), "the CA was started again");
      assertTrue(lab.healthy(), "and answers /health");
      BackupStore store = new BackupStore(storeRoot, "lab");
      assertTrue(store.list().isEmpty(), "no backup recorded");
      try (var all = Files.walk(store.dir())) {
        List<Path> left = all.filter(Files::isRegularFile).toList();
        assertEquals(List.of(), left, "no half-written archive, snapshot or record left in the store");
      }

      // Space freed: the next backup goes through (nothing left locked or half-done blocks it).
      Files.delete(filler);
      BackupResult r = stub().backup(new BackupRequest("lab", "space freed"));
      assertEquals(List.of(r.backupId()), store.list().stream().map(StoredBackup::backupId).toList());
    } finally {
      LabCa.run(List.of("umount", "-l", storeRoot.toString()), 10);
    }
  }

  @Test
  void aCaHostWorkerThatDiesWhileTheCaIsStoppedIsReplacedAndTheCaRunsAgain() throws Exception {
    // The workflow runs on a worker elsewhere; the CA host's worker dies mid-snapshot. (Killing a
    // whole worker process, workflows included, is the crash suite's job: separate processes.)
    Workers.registerShared(env.getWorkerFactory(), config);
    env.start();
    CountDownLatch inSnapshot = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkerFactory first = WorkerFactory.newInstance(env.getWorkflowClient());
    Workers.registerHosts(first, config, config.hosts(), c -> new Object[] {
        new CaServiceActivitiesImpl(c),
        new DelegatingBackupActivities(new BackupActivitiesImpl(c)) {
          @Override
          public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
            inSnapshot.countDown();
            // This worker "dies" here: it never answers again.
            while (true) {
              try {
                release.await();
                throw new IllegalStateException("dead worker");
              } catch (InterruptedException ignored) {
                // a dead process does not answer interrupts either
              }
            }
          }
        }});
    first.start();
    BackupWorkflow wf = stub();
    WorkflowClient.start(wf::backup, new BackupRequest("lab", "worker dies"));
    assertTrue(inSnapshot.await(60, TimeUnit.SECONDS), "backup reached the snapshot");
    assertFalse(lab.caProcessRunning(), "the CA is stopped while the first worker is in the snapshot");
    first.shutdownNow();

    WorkerFactory second = WorkerFactory.newInstance(env.getWorkflowClient());
    Workers.registerHosts(second, config, config.hosts(), Workers::hostActivities);
    second.start();
    try {
      BackupResult r = env.getWorkflowClient().newUntypedWorkflowStub(
          WorkflowStubs.id(wf)).getResult(90, TimeUnit.SECONDS, BackupResult.class);
      assertEquals(r.sha256(), sha256(Path.of(r.archive())));
      assertTrue(lab.healthy(), "the CA runs again");
    } catch (java.util.concurrent.TimeoutException e) {
      env.getWorkflowClient().fetchHistory(WorkflowStubs.id(wf)).getEvents().forEach(ev ->
          System.out.println("EVENT " + ev.getEventId() + " " + ev.getEventType() + " " + ev.getEventTime().getSeconds()
              + (ev.hasWorkflowTaskScheduledEventAttributes() ? " q=" + ev.getWorkflowTaskScheduledEventAttributes().getTaskQueue() : "")
              + (ev.hasActivityTaskScheduledEventAttributes() ? " a=" + ev.getActivityTaskScheduledEventAttributes().getActivityType().getName() : "")));
      throw e;
    } finally {
      release.countDown();
      second.shutdownNow();
    }
  }

  @Test
  void withoutAWorkerOnTheCaHostTheBackupSaysSoAndGivesUpWithoutTouchingTheCa() throws Exception {
    Workers.registerShared(env.getWorkerFactory(), config); // nobody polls stepca-recovery@localhost
    env.start();
    BackupWorkflow wf = stub();
    WorkflowClient.start(wf::backup, new BackupRequest("lab", "no worker", null, 6));
    Thread.sleep(4500);
    io.stepcarecovery.progress.Step first = io.temporal.client.WorkflowStub.fromTyped(wf)
        .query("progress", io.stepcarecovery.progress.Step[].class)[0];
    assertTrue(first.detail().contains("waiting for a worker on stepca-recovery@localhost"), first.toString());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> io.temporal.client.WorkflowStub.fromTyped(wf).getResult(BackupResult.class));
    String why = Failures.rootMessage(e);
    assertTrue(why.contains("no worker polled stepca-recovery@localhost within 6 s")
        && why.contains("stepca-recovery worker --host localhost"), why);
    assertTrue(lab.caProcessRunning() && lab.healthy(), "the CA was never stopped");
  }

  @Test
  void aSecondRunOnTheSameCaIsRefusedWhileTheFirstHoldsIt() throws Exception {
    CountDownLatch inSnapshot = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Workers.register(env.getWorkerFactory(), config, config.hosts(), c -> new Object[] {
        new CaServiceActivitiesImpl(c),
        new DelegatingBackupActivities(new BackupActivitiesImpl(c)) {
          @Override
          public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
            inSnapshot.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.snapshot(ca, backupId, plan);
          }
        }});
    env.start();
    BackupWorkflow first = env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED).setWorkflowId("first").build());
    WorkflowClient.start(first::backup, new BackupRequest("lab", "first"));
    assertTrue(inSnapshot.await(60, TimeUnit.SECONDS));

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub().backup(new BackupRequest("lab", "second")));
    String why = Failures.rootMessage(e);
    assertTrue(why.contains("CA lab is busy: run first is working on it"), why);
    assertFalse(lab.caProcessRunning(), "the second run did not start the CA under the first one");

    release.countDown();
    BackupResult r = io.temporal.client.WorkflowStub.fromTyped(first).getResult(BackupResult.class);
    assertTrue(lab.healthy());
    assertFalse(Files.exists(lab.dir().resolve("run/lab.lock")), "the CA is given back");
    assertEquals(r.sha256(), sha256(Path.of(r.archive())));
    stub().backup(new BackupRequest("lab", "third, after the first"));
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
