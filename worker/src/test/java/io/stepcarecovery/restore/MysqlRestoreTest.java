package io.stepcarecovery.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.Histories;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.recovery.RecoveryResult;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore and recovery of a CA on MariaDB (lab/up --db mysql) from its online backup, on the real
 * lab with Temporal's test server: the dump is loaded into a staging database and switched in by
 * renaming tables; the previous database is kept, and put back when the restored CA fails.
 */
@Tag("lab")
class MysqlRestoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;
  static TestWorkflowEnvironment env;

  @BeforeAll
  static void up() {
    lab = LabCa.upMysql(tmp.resolve("lab"));
    env = RestoreWorkflowTest.environment(lab.config());
  }

  @AfterAll
  static void down() {
    env.close();
    lab.close();
  }

  @Test
  void dropDatabaseThenRecoverBringsIssuanceBackAndLeavesNoStagingDatabase() throws Exception {
    String before = issue("before-drop");
    BackupResult backup = RestoreWorkflowTest.stub(env, BackupWorkflow.class, "mysql-backup-a")
        .backup(new BackupRequest("lab", "before the outage"));
    // a restore killed mid-way left its staging database: the next one drops it
    lab.sql("CREATE DATABASE stepca_restore_20200101t000000z; CREATE TABLE stepca_restore_20200101t000000z.x509_certs"
        + " (nkey VARBINARY(255) PRIMARY KEY, nvalue BLOB)");
    lab.sql("DROP DATABASE stepca");

    long t0 = System.nanoTime();
    RecoveryResult r = RestoreWorkflowTest.stub(env, RecoveryWorkflow.class, "mysql-recover-a")
        .recover(new RestoreRequest("lab", backup.backupId()));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(r.ok(), r.message() + " " + r.checklist());
    for (ChecklistItem item : r.checklist()) {
      assertEquals(ChecklistItem.PASSED, item.status(), item.toString());
    }
    assertTrue(r.movedAside().stream().noneMatch(p -> p.contains("stepca_prev_")),
        "the database was gone: nothing to keep: " + r.movedAside());
    assertEquals("1", count("stepca.x509_certs WHERE nkey = '" + before + "'"), "the backed-up certificate is back");
    issue("after-recovery");
    assertEquals("", lab.sql("SHOW DATABASES LIKE 'stepca\\_restore\\_%'").strip(), "no staging database is left");
    assertFalse(Files.exists(lab.stepPath().resolve(".stepca-recovery/db/stepca.sql")),
        "the restored STEPPATH carries no copy of the dump");
    assertNoPassword("mysql-backup-a", "mysql-recover-a");
    System.out.printf("MySQL recovery after DROP DATABASE: %d ms end to end (CA down %d ms)%n", ms, r.caDowntimeMillis());
  }

  @Test
  void aRestoredCaThatFailsIsRolledBackToThePreviousDatabaseWhichIsKeptNotDropped() throws Exception {
    String oldPassword = password();
    BackupResult backup = RestoreWorkflowTest.stub(env, BackupWorkflow.class, "mysql-backup-b")
        .backup(new BackupRequest("lab", "before the password rotation"));
    String onlyInLive = issue("after-backup");
    // The database password is rotated after the backup: the restored ca.json holds the old one,
    // so the restored CA cannot open its database (step-ca exits at once, printing its DSN).
    String newPassword = "Rotated" + Long.toHexString(System.nanoTime());
    lab.sql("ALTER USER 'stepca'@'127.0.0.1' IDENTIFIED BY '" + newPassword + "'");
    ObjectNode json = (ObjectNode) JSON.readTree(lab.caJson().toFile());
    ObjectNode db = (ObjectNode) json.get("db");
    db.put("dataSource", db.get("dataSource").asText().replace(":" + oldPassword + "@", ":" + newPassword + "@"));
    Files.writeString(lab.caJson(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    lab.ctl("stop");
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));

    RestoreResult r = RestoreWorkflowTest.stub(env, RestoreWorkflow.class, "mysql-restore-b")
        .restore(new RestoreRequest("lab", backup.backupId()));

    assertFalse(r.ok());
    assertTrue(r.rolledBack(), r.message());
    assertTrue(lab.healthy(), "the previous CA serves again");
    assertEquals("1", count("stepca.x509_certs WHERE nkey = '" + onlyInLive + "'"),
        "the certificate only the previous database holds is back in stepca");
    String failed = lab.sql("SHOW DATABASES LIKE 'stepca\\_failed\\_%'").strip();
    assertTrue(r.movedAside().stream().anyMatch(p -> p.contains("database " + failed)), failed + " in " + r.movedAside());
    assertEquals("0", count(failed + ".x509_certs WHERE nkey = '" + onlyInLive + "'"), "the failed restore is kept as it was");
    assertFalse(count(failed + ".x509_certs").equals("0"), "the failed restore's tables are kept");
    assertEquals("", lab.sql("SHOW DATABASES LIKE 'stepca\\_restore\\_%'").strip());
    assertEquals("", lab.sql("SHOW DATABASES LIKE 'stepca\\_prev\\_%'").strip(), "back in stepca, nothing left in prev");
    issue("after-rollback");
    assertTrue(r.checklist().stream().anyMatch(i -> i.item().equals("Step-CA running") && i.isFailed()),
        r.checklist().toString());
    assertNoPassword("mysql-backup-b", "mysql-restore-b");
    String history = Histories.readable(env.getWorkflowClient(), "mysql-restore-b");
    assertFalse(history.contains(oldPassword), "the restored CA's password is in the history");
    assertFalse(r.toString().contains(oldPassword) || r.toString().contains(newPassword), "the result holds a password");
  }

  @Test
  void withoutThePrivilegeForStagingDatabasesTheRestoreStopsBeforeAnythingChangedAndNamesTheGrant() throws Exception {
    BackupResult backup = RestoreWorkflowTest.stub(env, BackupWorkflow.class, "mysql-backup-c")
        .backup(new BackupRequest("lab", "before revoking"));
    String pid = lab.ctl("status").strip();
    lab.sql("REVOKE ALL PRIVILEGES ON `stepca\\_%`.* FROM 'stepca'@'127.0.0.1'");
    try {
      WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> RestoreWorkflowTest.stub(env,
          RestoreWorkflow.class, "mysql-restore-c").restore(new RestoreRequest("lab", backup.backupId())));
      String why = Failures.rootMessage(e);
      assertTrue(why.contains("GRANT ALL PRIVILEGES ON `stepca\\_%`.* TO 'stepca'@'127.0.0.1';"), why);
      assertEquals(pid, lab.ctl("status").strip(), "the CA was never stopped");
      try (java.util.stream.Stream<Path> beside = Files.list(lab.stepPath().getParent())) {
        assertTrue(beside.noneMatch(p -> p.getFileName().toString().contains(".restoring-")), "the staging is removed");
      }
      assertNoPassword("mysql-restore-c");
    } finally {
      lab.sql("GRANT ALL PRIVILEGES ON `stepca\\_%`.* TO 'stepca'@'127.0.0.1'");
    }
  }

  /** The password of the CA's database user, from the live ca.json's DSN. */
  private static String password() throws Exception {
    String dsn = JSON.readTree(lab.caJson().toFile()).path("db").path("dataSource").asText();
    return dsn.substring(dsn.indexOf(':') + 1, dsn.lastIndexOf('@'));
  }

  private static void assertNoPassword(String... workflowIds) throws Exception {
    String password = password();
    for (String id : workflowIds) {
      assertFalse(Histories.readable(env.getWorkflowClient(), id).contains(password), id + " holds the password");
    }
  }

  private static String count(String from) {
    return lab.sql("SELECT COUNT(*) FROM " + from).strip();
  }

  static String issue(String subject) {
    return issueWith(lab, tmp, subject);
  }

  /** Issues a certificate through the lab CA; its serial as step-ca keys it (decimal). */
  static String issueWith(LabCa lab, Path tmp, String subject) {
    Path crt = tmp.resolve(subject + ".crt");
    LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate",
        "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
        "--password-file", lab.env("PROVISIONER_PASSWORD_FILE"), subject + ".test.internal", crt.toString(),
        tmp.resolve(subject + ".key").toString()), 60);
    String serial = LabCa.run(List.of("openssl", "x509", "-noout", "-serial", "-in", crt.toString()), 30).strip();
    return new BigInteger(serial.substring(serial.indexOf('=') + 1), 16).toString();
  }
}
