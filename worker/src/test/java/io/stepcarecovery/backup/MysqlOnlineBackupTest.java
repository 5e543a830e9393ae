package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.Histories;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.archive.ArchiveReader;
import io.stepcarecovery.archive.Manifest;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA on MariaDB (lab/up --db mysql) is backed up online: a real step-ca keeps issuing
 * certificates in a loop while the real activities dump its database, on Temporal's test server.
 */
@Tag("lab")
class MysqlOnlineBackupTest {
  @TempDir Path tmp;
  LabCa lab;
  StepcaRecoveryConfig config;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    lab = LabCa.upMysql(tmp.resolve("lab"));
    config = lab.config();
    env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
  }

  @AfterEach
  void down() {
    env.close();
    lab.close();
  }

  @Test
  void backupWhileIssuingNeverStopsTheCaAndDumpsOnePointInTime() throws Exception {
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
    String pidBefore = lab.ctl("status").strip();
    String password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger healthChecks = new AtomicInteger();
    AtomicInteger unhealthy = new AtomicInteger();
    AtomicLong backupStarted = new AtomicLong(Long.MAX_VALUE);
    AtomicLong backupEnded = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger issuedDuringBackup = new AtomicInteger();
    Thread issuer = new Thread(() -> {
      for (int i = 0; !stop.get(); i++) {
        issue("loop-" + i + ".test.internal");
        issued.incrementAndGet();
        long now = System.nanoTime();
        if (now > backupStarted.get() && now < backupEnded.get()) {
          issuedDuringBackup.incrementAndGet();
        }
      }
    });
    Thread health = new Thread(() -> {
      while (!stop.get()) {
        healthChecks.incrementAndGet();
        if (!lab.healthy()) {
          unhealthy.incrementAndGet();
        }
        sleep(50);
      }
    });
    issuer.start();
    health.start();
    BackupResult r;
    long certsBefore;
    long certsAfter;
    try {
      while (issued.get() < 3) {
        sleep(50);
      }
      certsBefore = count("x509_certs");
      backupStarted.set(System.nanoTime());
      String workflowId = "backup-mysql-" + System.nanoTime();
      r = env.getWorkflowClient().newWorkflowStub(BackupWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED).setWorkflowId(workflowId)
              .setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build())
          .backup(new BackupRequest("lab", "online"));
      backupEnded.set(System.nanoTime());
      certsAfter = count("x509_certs");
      // a little more issuing after the backup: the CA still works on the same database
      int at = issued.get();
      while (issued.get() < at + 2) {
        sleep(50);
      }
      String history = Histories.readable(env.getWorkflowClient(), workflowId);
      assertFalse(history.contains(password), "the database password is in the workflow history");
      assertTrue(history.contains("mysql"), "the history was read (it names the db type)");
    } finally {
      stop.set(true);
      issuer.join(60_000);
      health.join(10_000);
    }

    assertEquals(Boolean.TRUE, r.online());
    assertEquals(0, r.caDowntimeMillis());
    assertEquals(0L, new io.stepcarecovery.store.BackupStore(config.ca("lab").backups().store(), "lab")
        .find(r.backupId()).caDowntimeMillis(), "the record (stepca_backup_ca_downtime_seconds 0, also after a restart)");
    assertEquals(0, r.stoppedWindowMillis());
    assertEquals("mysql", r.dbType());
    assertTrue(r.caWasRunning());
    assertEquals(pidBefore, lab.ctl("status").strip(), "the CA process is the same one");
    assertEquals(0, unhealthy.get(), "/health failed " + unhealthy.get() + " of " + healthChecks.get() + " times");
    assertTrue(healthChecks.get() > 3, "health was polled throughout: " + healthChecks.get());
    assertTrue(issuedDuringBackup.get() >= 1, "certificates were issued while the backup ran");

    // the dump is an archive member, listed in the manifest with its SHA-256
    Path archive = Path.of(r.archive());
    ArchiveReader.Verified v = ArchiveReader.verify(archive);
    Path dumpPath = lab.stepPath().resolve(Manifest.DIR).resolve("db/stepca.sql");
    Manifest.FileEntry entry = v.manifest().files().stream().filter(f -> f.path().equals(dumpPath.toString()))
        .findFirst().orElseThrow(() -> new AssertionError(dumpPath + " not in the manifest"));
    assertEquals("0600", entry.mode());
    Path out = tmp.resolve("extract");
    Files.createDirectories(out);
    LabCa.run(List.of("tar", "-xzf", archive.toString(), "-C", out.toString(), dumpPath.toString().substring(1)), 60);
    byte[] dump = Files.readAllBytes(out.resolve(dumpPath.toString().substring(1)));
    assertEquals(entry.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dump)));
    String sql = new String(dump, StandardCharsets.UTF_8);
    assertFalse(sql.contains(password), "the dump holds the password");

    // one point in time: certificates and their data rows agree, between the counts before and after
    long certs = rows(sql, "x509_certs");
    assertEquals(certs, rows(sql, "x509_certs_data"), "x509_certs and x509_certs_data disagree in the dump");
    assertTrue(certs >= certsBefore && certs <= certsAfter,
        "dump has " + certs + " certificates; the database had " + certsBefore + " before and " + certsAfter + " after");
    assertTrue(lab.healthy());

    // a restore's verification finds the dump member, with the manifest's SHA-256, to load it
    io.stepcarecovery.restore.RestorePlan plan = new io.stepcarecovery.restore.RestoreActivitiesImpl(config)
        .verifyBackup("lab", r.backupId(), false, List.of());
    assertEquals("stepca", plan.databaseDump().database());
    assertEquals(entry.sha256(), plan.databaseDump().sha256());
    System.out.printf("online backup: %d certificates in the dump (%d before, %d after), %d issued during the"
        + " backup, %d health checks all ok, dump %d bytes%n", certs, certsBefore, certsAfter,
        issuedDuringBackup.get(), healthChecks.get(), dump.length);
  }

  /**
   * Rows of {@code table} in a mariadb-dump. An INSERT runs to the line that ends in ';' (MariaDB
   * 11 puts each row on its own line); hex-encoded values never hold "),(" so each one ends a row.
   */
  static long rows(String sql, String table) {
    String prefix = "INSERT INTO `" + table + "` VALUES";
    long rows = 0;
    StringBuilder statement = null;
    for (String line : sql.lines().toList()) {
      if (statement == null && line.startsWith(prefix)) {
        statement = new StringBuilder(line.substring(prefix.length()));
      } else if (statement != null) {
        statement.append(line.strip());
      }
      if (statement != null && line.endsWith(";")) {
        String values = statement.toString();
        rows += 1 + (values.length() - values.replace("),(", "").length()) / 3;
        statement = null;
      }
    }
    return rows;
  }

  private long count(String table) {
    return Long.parseLong(lab.sql("SELECT COUNT(*) FROM stepca." + table).strip());
  }

  private void issue(String subject) {
    Path crt = tmp.resolve("issued.crt");
    Path key = tmp.resolve("issued.key");
    LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
        "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
        "--password-file", lab.env("PROVISIONER_PASSWORD_FILE"), subject, crt.toString(), key.toString()), 60);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
