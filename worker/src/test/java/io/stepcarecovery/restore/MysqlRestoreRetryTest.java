package io.stepcarecovery.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.lab.LabCa;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each database step of a MySQL restore run again, as Temporal does after a worker died in it
 * (the real activities on lab/up --db mysql): the second run finds its work done and reports the
 * same, never a half-switched database.
 */
@Tag("lab")
class MysqlRestoreRetryTest {
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
  void loadSwitchAndSwitchBackEachRunTwiceLeaveTheStateOfOneRun() throws Exception {
    BackupResult backup = RestoreWorkflowTest.stub(env, BackupWorkflow.class, "mysql-retry-backup")
        .backup(new BackupRequest("lab", "retries"));
    String onlyInLive = MysqlRestoreTest.issueWith(lab, tmp, "only-in-live");
    String tag = "20261130T010203Z";
    RestoreActivitiesImpl files = new RestoreActivitiesImpl(lab.config());
    DatabaseRestoreActivitiesImpl db = new DatabaseRestoreActivitiesImpl(lab.config());
    RestorePlan plan = files.verifyAndStage("lab", backup.backupId(), false, null, tag);

    DatabaseStaging loaded = db.loadDump("lab", plan, tag);
    assertEquals(loaded.staging(), db.loadDump("lab", plan, tag).staging(), "a second load finds it loaded");
    assertEquals("stepca_restore_20261130t010203z", loaded.staging());
    assertEquals(loaded.tables(), tables("stepca_restore_20261130t010203z"));

    lab.ctl("stop");
    files.swapIn("lab", plan, tag);
    DatabaseSwitch in = db.switchDatabaseIn("lab", plan, tag);
    assertEquals("stepca_prev_20261130t010203z", in.movedAsideTo());
    assertEquals(in, db.switchDatabaseIn("lab", plan, tag), "a second switch finds it switched");
    assertEquals(0, tables("stepca_restore_20261130t010203z"), "the staging database is dropped once emptied");
    assertEquals("0", count("stepca", onlyInLive));
    assertEquals("1", count("stepca_prev_20261130t010203z", onlyInLive));

    files.swapBack("lab", plan, tag);
    DatabaseSwitch back = db.switchDatabaseBack("lab", plan, tag);
    assertEquals("stepca_failed_20261130t010203z", back.movedAsideTo());
    DatabaseSwitch again = db.switchDatabaseBack("lab", plan, tag);
    assertEquals("stepca_failed_20261130t010203z", again.movedAsideTo(), "a second switch back finds it done");
    assertEquals("1", count("stepca", onlyInLive));
    assertEquals(0, tables("stepca_prev_20261130t010203z"));
    assertTrue(tables("stepca_failed_20261130t010203z") > 0, "the restored tables are kept");
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(30)));
    MysqlRestoreTest.issueWith(lab, tmp, "after-switch-back");

    // A plan whose switch never ran: switching back must not move the CA's own tables aside.
    String tag2 = "20261130T010204Z";
    RestorePlan plan2 = files.verifyAndStage("lab", backup.backupId(), false, null, tag2);
    db.loadDump("lab", plan2, tag2);
    assertNull(db.switchDatabaseBack("lab", plan2, tag2).movedAsideTo());
    assertEquals("1", count("stepca", onlyInLive));
    db.dropStagingDatabase("lab", plan2, tag2);
    files.discardStaging("lab", plan2, tag2);
    assertEquals(0, tables("stepca_restore_20261130t010204z"));
  }

  private static int tables(String database) {
    return Integer.parseInt(lab.sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
        + database + "'").strip());
  }

  private static String count(String database, String serial) {
    return lab.sql("SELECT COUNT(*) FROM " + database + ".x509_certs WHERE nkey = '" + serial + "'").strip();
  }
}
