package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * "CA database reachable" and the database rows of the failure-mode table on a real step-ca 0.19
 * whose database is the lab's MariaDB (lab/up --db mysql). Each failure is produced for real —
 * the server stopped (lab/db-ctl), the user's password changed, the database dropped — and
 * checked twice: by the item (the CA's own credentials through the mariadb client) and by the
 * startup log of a step-ca restarted into it. The database password is in no item's text.
 * One lab for the class; each test puts the lab back (the last one leaves an empty database).
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseCheckOnLabTest {
  private static final String CA = "lab";

  @TempDir
  static Path tmp;
  private static LabCa lab;
  private static HostCheckActivitiesImpl host;
  private static String password;

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.upMysql(tmp.resolve("lab"));
    host = new HostCheckActivitiesImpl(lab.config());
    password = Files.readString(Path.of(lab.env("DB_PASSWORD_FILE"))).strip();
  }

  @AfterAll
  static void down() {
    if (lab != null) {
      lab.close();
    }
  }

  private static ChecklistItem item(List<ChecklistItem> items, String name) {
    return items.stream().filter(i -> i.item().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
        name + " missing from " + items));
  }

  private static void assertNoSecret(List<ChecklistItem> items, String... secrets) {
    String all = items.stream().map(ChecklistItem::toString).collect(Collectors.joining("\n"));
    for (String s : secrets) {
      assertFalse(all.contains(s), "a database password is in the checklist:\n" + all);
    }
  }

  private static void assertDiagnosis(ChecklistItem item, Diagnosis expected) {
    assertTrue(item.isFailed(), item.toString());
    assertEquals(expected.diagnosis(), item.diagnosis());
    assertEquals(expected.action(), item.action());
  }

  /** step-ca restarted into the broken database: it exits at once (ca-ctl start fails). */
  private static List<ChecklistItem> restartCaInto() {
    lab.ctl("stop");
    assertThrows(IllegalStateException.class, () -> lab.ctl("start"), "step-ca started without its database");
    List<ChecklistItem> items = host.checkServiceStatus(CA);
    assertFalse(item(items, HostCheckActivitiesImpl.RUNNING).isPassed(), items.toString());
    // the startup line step-ca printed names its DSN: quoted with the password redacted
    String quote = item(items, HostCheckActivitiesImpl.NO_STARTUP_ERRORS).detail();
    assertTrue(quote.contains("with source stepca:[redacted]@tcp(127.0.0.1:" + lab.env("DB_PORT") + ")/"), quote);
    return items;
  }

  private static void startCa() throws InterruptedException {
    lab.ctl("start");
    assertTrue(lab.awaitHealthy(Duration.ofSeconds(20)), "the lab CA did not come back");
  }

  @Test
  @Order(1)
  void aHealthyMysqlCaHasTheItemPassedWithAllTwentyOneTables() {
    List<ChecklistItem> items = host.checkServiceStatus(CA);
    assertEquals(List.of(HostCheckActivitiesImpl.RUNNING, HostCheckActivitiesImpl.NO_STARTUP_ERRORS, DatabaseCheck.ITEM),
        items.stream().map(ChecklistItem::item).toList());
    ChecklistItem db = item(items, DatabaseCheck.ITEM);
    assertTrue(db.isPassed(), db.toString());
    assertTrue(db.detail().contains("MariaDB") && db.detail().contains("as stepca at 127.0.0.1:" + lab.env("DB_PORT")
        + ", database stepca: all 21 tables step-ca needs; x509_certs holds 1 certificate(s)"), db.detail());
    // what a fresh lab CA created is exactly what the item requires
    assertEquals(DatabaseCheck.REQUIRED_TABLES.stream().sorted().toList(),
        lab.sql("SELECT table_name FROM information_schema.tables WHERE table_schema='stepca' ORDER BY table_name")
            .lines().sorted().toList());
    assertNoSecret(items, password);
  }

  @Test
  @Order(2)
  void aDsnAskingForTlsIsHeldToItAgainstTheLabsPlainTextServer() throws Exception {
    CaJson.Db db = CaJson.read(lab.caJson()).db();
    ChecklistItem item = DatabaseCheck.check(new CaJson.Db("mysql", null, null, db.dsn() + "?tls=true&parseTime=true",
        "stepca"), "ca.json");
    assertTrue(item.isFailed(), item.toString());
    assertTrue(item.detail().contains("ERROR 2026") && item.detail().contains("SSL"), item.detail());
    assertTrue(item.diagnosis().startsWith("The CA's database refused the check"), item.diagnosis());
    assertTrue(DatabaseCheck.check(new CaJson.Db("mysql", null, null, db.dsn() + "?tls=false&parseTime=true", "stepca"),
        "ca.json").isPassed());
    assertNoSecret(List.of(item), password);
  }

  @Test
  @Order(3)
  void databaseStoppedIsUnreachableInTheItemAndInTheStartupLog() throws Exception {
    lab.run(List.of(LabCa.repo().resolve("lab/db-ctl").toString(), lab.dir().toString(), "stop"), 60);
    try {
      ChecklistItem db = item(host.checkServiceStatus(CA), DatabaseCheck.ITEM);
      assertDiagnosis(db, Diagnoses.databaseUnreachable("127.0.0.1:" + lab.env("DB_PORT")));
      assertTrue(db.detail().contains("ERROR 2002") || db.detail().contains("ERROR 2003"), db.detail());

      List<ChecklistItem> items = restartCaInto();
      assertDiagnosis(item(items, HostCheckActivitiesImpl.RUNNING), Diagnoses.databaseUnreachable(null));
      assertTrue(item(items, HostCheckActivitiesImpl.NO_STARTUP_ERRORS).detail().contains("connection refused"));
      assertNoSecret(items, password);
    } finally {
      lab.run(List.of(LabCa.repo().resolve("lab/db-ctl").toString(), lab.dir().toString(), "start"), 60);
      startCa();
    }
  }

  @Test
  @Order(4)
  void aChangedPasswordIsAccessDenied() throws Exception {
    String other = "Other" + Long.toHexString(System.nanoTime());
    lab.sql("ALTER USER 'stepca'@'127.0.0.1' IDENTIFIED BY '" + other + "'");
    try {
      ChecklistItem db = item(host.checkServiceStatus(CA), DatabaseCheck.ITEM);
      assertDiagnosis(db, Diagnoses.databaseAccessDenied("stepca", "127.0.0.1:" + lab.env("DB_PORT")));
      assertTrue(db.detail().contains("ERROR 1045"), db.detail());

      List<ChecklistItem> items = restartCaInto();
      assertDiagnosis(item(items, HostCheckActivitiesImpl.RUNNING), Diagnoses.databaseAccessDenied(null, null));
      assertNoSecret(items, password, other);
      assertNoSecret(List.of(db), password, other);
    } finally {
      lab.sql("ALTER USER 'stepca'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
      startCa();
    }
  }

  @Test
  @Order(5)
  void aDroppedDatabaseIsUnknownToTheItem_andStepCaWithoutTheRightToCreateItIsDeniedIt() throws Exception {
    lab.ctl("stop");
    lab.sql("DROP DATABASE stepca");
    try {
      ChecklistItem db = item(host.checkServiceStatus(CA), DatabaseCheck.ITEM);
      assertDiagnosis(db, Diagnoses.databaseUnknown("stepca"));
      assertTrue(db.detail().contains("ERROR 1049"), db.detail());
      assertNoSecret(List.of(db), password);

      // with its rights step-ca would create the database empty; without them its start is refused
      lab.sql("REVOKE ALL PRIVILEGES ON `stepca`.* FROM 'stepca'@'127.0.0.1'");
      List<ChecklistItem> items = restartCaInto();
      assertDiagnosis(item(items, HostCheckActivitiesImpl.RUNNING), Diagnoses.databaseAccessDeniedToDatabase(null, null));
      assertDiagnosis(item(items, DatabaseCheck.ITEM), Diagnoses.databaseAccessDeniedToDatabase("stepca", "stepca"));
      assertNoSecret(items, password);
    } finally {
      lab.sql("GRANT ALL PRIVILEGES ON `stepca`.* TO 'stepca'@'127.0.0.1'");
      startCa();
    }
  }
}
