package io.stepcarecovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.restore.RestoreResult;
import io.stepcarecovery.restore.RestoreWorkflow;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store is portable (issue 10, finding 2): records name their archive by file name, so a copy
 * of the store at another path, or a read-only mount of it, lists and restores; nothing is
 * written into the store by a restore. On the real lab; Temporal is its test server.
 */
@Tag("lab")
class PortableStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  LabCa lab;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.up(tmp.resolve("lab"));
  }

  @AfterEach
  void down() {
    if (env != null) {
      env.close();
    }
    lab.close();
  }

  static StepcaRecoveryConfig withStore(StepcaRecoveryConfig c, Path store, Integer keep) {
    CaConfig ca = c.ca("lab");
    BackupsConfig b = ca.backups();
    CaConfig changed = new CaConfig(ca.name(), ca.host(), ca.caConfig(), ca.url(), ca.rootCert(), ca.service(),
        ca.owner(), ca.acme(), ca.issuance(), new BackupsConfig(store, keep, b.encryptTo(), b.decryptKey(),
            b.decryptPassphraseFile()));
    return new StepcaRecoveryConfig(c.source(), c.temporal(), List.of(changed), c.ingress(), c.services(), c.lockDir());
  }

  private TestWorkflowEnvironment start(StepcaRecoveryConfig config) {
    if (env != null) {
      env.close();
    }
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
    return env;
  }

  private <T> T stub(Class<T> type) {
    return env.getWorkflowClient().newWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
  }

  /** Every file under a directory with its mode and content hash. */
  static TreeMap<String, String> tree(Path dir) throws Exception {
    TreeMap<String, String> t = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String hash = Files.isRegularFile(p)
            ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) : "";
        t.put(dir.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " " + hash);
      }
    }
    return t;
  }

  @Test
  void aCopyOfTheStoreAtAnotherPathListsAndRestoresWithTheOriginalGone() throws Exception {
    start(lab.config());
    BackupResult b = stub(BackupWorkflow.class).backup(new BackupRequest("lab", "before the move"));
    Path original = lab.dir().resolve("backups");
    ObjectNode record = (ObjectNode) JSON.readTree(original.resolve("lab/" + b.backupId() + ".json").toFile());
    assertEquals(b.backupId() + ".tar.gz", record.get("archive").asText(),
        "the record names its archive by file name, not by where the store was mounted");

    // Another mount, another path: copy it, and take the original away.
    Path moved = tmp.resolve("elsewhere/backups");
    Files.createDirectories(moved.getParent());
    LabCa.run(List.of("cp", "-a", original.toString(), moved.toString()), 30);
    Files.move(original, lab.dir().resolve("backups.gone"));

    // A record from before portability: an absolute path where the store used to be. Accepted by
    // its file name, for the archive beside it; a record whose path names another file is not.
    Path oldStyle = moved.resolve("lab/" + b.backupId() + ".json");
    record.put("archive", "/mnt/old-mount/lab/" + b.backupId() + ".tar.gz");
    Files.write(oldStyle, JSON.writeValueAsBytes(record));
    Path elsewhere = tmp.resolve("not-in-store.tar.gz");
    Files.copy(moved.resolve("lab/" + b.backupId() + ".tar.gz"), elsewhere);
    ObjectNode pointing = record.deepCopy();
    pointing.put("backupId", "20990101T000000Z-evil");
    pointing.put("archive", elsewhere.toString());
    Files.write(moved.resolve("lab/20990101T000000Z-evil.json"), JSON.writeValueAsBytes(pointing));

    List<StoredBackup> listed = new BackupStore(moved, "lab").list();
    assertEquals(List.of(b.backupId()), listed.stream().map(StoredBackup::backupId).toList(),
        "the copy lists the backup, and nothing that points outside it");
    assertEquals(moved.resolve("lab/" + b.backupId() + ".tar.gz").toString(), listed.get(0).archive());

    Files.writeString(lab.stepPath().resolve("config/live-only.txt"), "written after the backup");
    StepcaRecoveryConfig fromCopy = withStore(lab.config(), moved, null);
    start(fromCopy);
    RestoreResult r = stub(RestoreWorkflow.class).restore(new RestoreRequest("lab", "latest"));
    assertTrue(r.ok(), r.message());
    assertEquals(b.backupId(), r.backupId());
    assertEquals(moved.resolve("lab/" + b.backupId() + ".tar.gz").toString(), r.archive());
    assertFalse(Files.exists(lab.stepPath().resolve("config/live-only.txt")), "the backup's data is live");
    assertTrue(lab.healthy(), "the restored CA answers /health");
  }

  @Test
  void aReadOnlyStoreRestoresAndNothingIsWrittenIntoIt() throws Exception {
    start(lab.config());
    BackupResult b = stub(BackupWorkflow.class).backup(new BackupRequest("lab", "before the read-only mount"));
    Path store = lab.dir().resolve("backups");
    // A real read-only mount (root ignores file modes): bind it onto itself, then remount ro.
    LabCa.run(List.of("mount", "--bind", store.toString(), store.toString()), 10);
    try {
      LabCa.run(List.of("mount", "-o", "remount,bind,ro", store.toString()), 10);
      assertThrows(java.nio.file.FileSystemException.class,
          () -> Files.writeString(store.resolve("lab/probe"), "x"), "the store is read-only");
      TreeMap<String, String> before = tree(store);
      Files.writeString(lab.stepPath().resolve("config/live-only.txt"), "written after the backup");

      assertEquals(List.of(b.backupId()), new BackupStore(store, "lab").list().stream()
          .map(StoredBackup::backupId).toList(), "listed from the read-only store");
      RestoreResult r = stub(RestoreWorkflow.class).restore(new RestoreRequest("lab", b.backupId()));
      assertTrue(r.ok(), r.message());
      assertFalse(Files.exists(lab.stepPath().resolve("config/live-only.txt")), "the backup's data is live");
      assertTrue(lab.healthy());
      assertEquals(before, tree(store), "nothing in the store changed");
      assertFalse(Files.exists(lab.dir().resolve("run/lab.lock")), "the run lock, on the CA host, was released");
    } finally {
      LabCa.run(List.of("umount", store.toString()), 10);
    }
  }

  @Test
  void aStoreDirectoryThatIsASymlinkIsRefusedBeforeTheCaStopsAndItsTargetIsLeftAlone() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("someone-elses-dir"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(target.resolve("theirs.txt"), "not ours");
    Files.createDirectories(lab.dir().resolve("backups"));
    Files.createSymbolicLink(lab.dir().resolve("backups/lab"), target);
    String pidBefore = Files.readString(lab.dir().resolve("step-ca.pid")).strip();
    start(lab.config());

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stub(BackupWorkflow.class).backup(new BackupRequest("lab", "through a symlink")));
    String why = Failures.rootMessage(e);
    assertTrue(why.contains(lab.dir().resolve("backups/lab") + " is a symbolic link") && why.contains(target.toString()), why);
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)), "target not chmod-ed");
    try (Stream<Path> s = Files.list(target)) {
      assertEquals(List.of(target.resolve("theirs.txt")), s.toList(), "nothing written into the target");
    }
    assertEquals(pidBefore, Files.readString(lab.dir().resolve("step-ca.pid")).strip(), "the CA was never stopped");
    assertTrue(lab.healthy());
  }

  @Test
  void aFutureDatedRecordNeverOutranksOrPrunesTheBackupJustMade() throws Exception {
    Path storeRoot = lab.dir().resolve("backups");
    StepcaRecoveryConfig keepOne = withStore(lab.config(), storeRoot, 1);
    start(keepOne);
    BackupResult first = stub(BackupWorkflow.class).backup(new BackupRequest("lab", "first"));
    BackupStore store = new BackupStore(storeRoot, "lab");

    // A record written by a host whose clock is in 2099, with an archive beside it; and the
    // stored copy of a failed backup, as older versions left it (key material).
    String future = "20990101T000000Z-fast";
    plant(store, future, Path.of(first.archive()), Instant.parse("2099-01-01T00:00:00Z"));
    Path rejected = store.dir().resolve("20261101T000000Z-dead.tar.gz.rejected");
    Files.copy(Path.of(first.archive()), rejected);
    assertEquals(first.backupId(), store.find("latest").backupId(), "a record dated 2099 never counts as the latest");

    BackupResult second = stub(BackupWorkflow.class).backup(new BackupRequest("lab", "second"));

    assertTrue(Files.exists(Path.of(second.archive())), "the backup just made exists");
    assertEquals(second.backupId(), store.find("latest").backupId(), "latest is the new backup");
    assertEquals(List.of(second.backupId(), future), store.list().stream().map(StoredBackup::backupId).toList(),
        "keep 1: the older real backup pruned; the future-dated one ranked last, left for a person");
    assertEquals(List.of(first.backupId()), second.pruned());
    assertEquals(List.of(future), store.futureDated());
    assertFalse(Files.exists(rejected), "the failed backup's leftover copy was removed");

    // A record dated a little ahead (within clock skew) ranks above the next backup: prune must
    // still keep the backup its run made.
    String ahead = "20990101T000000Z-ahead";
    plant(store, ahead, Path.of(second.archive()), Instant.now().plus(Duration.ofMinutes(3)));
    BackupResult third = stub(BackupWorkflow.class).backup(new BackupRequest("lab", "third"));
    assertTrue(Files.exists(Path.of(third.archive())), "the backup just made survives its own prune");
    assertTrue(store.list().stream().anyMatch(s -> s.backupId().equals(third.backupId())));
    assertTrue(lab.healthy());
  }

  private static void plant(BackupStore store, String id, Path archiveToCopy, Instant createdAt) throws Exception {
    Path target = store.archive(id);
    Files.copy(archiveToCopy, target);
    StoredBackup record = new StoredBackup(id, "lab", target.getFileName().toString(), "0".repeat(64),
        Files.size(target), createdAt.toString(), "planted", "badgerv2", null, null, null, null);
    Files.write(store.dir().resolve(id + ".json"), JSON.writeValueAsBytes(record));
  }
}
