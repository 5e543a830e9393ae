package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.sqldb.MysqlDsn;
import io.stepcarecovery.sqldb.MysqlQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * step-ca 0.19's startup lines for its three database failures (as the lab printed them with
 * MariaDB stopped, the user's password changed, the database dropped and not creatable; password
 * replaced) map to the database rows of the failure-mode table, quoted without the password.
 */
class DatabaseDiagnosesTest {
  private static final String PW = "XMcPRsIGGxGdZvEd2rTnCC7RnEyg4SLS";
  private static final String HEAD = "Error opening database of Type mysql with source stepca:" + PW
      + "@tcp(127.0.0.1:20518)/: error creating database stepca (if not exists): ";
  private static final LogScanner.Context CTX = new LogScanner.Context("0:0", null, "127.0.0.1:22004");

  private static LogScanner.Finding decisive(String line) {
    LogScanner.Finding f = LogScanner.scan(List.of("2026-11-30T02:39:21Z ca-ctl: starting step-ca", line), CTX).decisive();
    assertNotNull(f, line);
    assertTrue(f.known(), f.toString());
    assertFalse(f.quotedLine().contains(PW), f.quotedLine());
    assertTrue(f.quotedLine().contains("stepca:[redacted]@tcp(127.0.0.1:20518)/"), f.quotedLine());
    return f;
  }

  @Test
  void connectionRefusedIsDatabaseUnreachable() {
    LogScanner.Finding f = decisive(HEAD + "dial tcp 127.0.0.1:20518: connect: connection refused");
    assertEquals(Diagnoses.databaseUnreachable(null), f.diagnosis());
    assertTrue(f.diagnosis().diagnosis().startsWith("Database unreachable"));
  }

  @Test
  void aMissingOrForbiddenSocketIsTheDatabaseNotTheCasFiles() {
    for (String why : List.of("no such file or directory", "permission denied")) {
      LogScanner.Finding f = LogScanner.scan(List.of("Error opening database of Type mysql with source ca:" + PW
          + "@unix(/run/mysqld/mysqld.sock)/: error creating database stepca (if not exists): dial unix"
          + " /run/mysqld/mysqld.sock: connect: " + why), CTX).decisive();
      assertEquals(Diagnoses.databaseUnreachable(null), f.diagnosis(), why);
      assertFalse(f.quotedLine().contains(PW));
    }
  }

  @Test
  void error1045IsAccessDenied() {
    LogScanner.Finding f = decisive(HEAD + "Error 1045: Access denied for user 'stepca'@'127.0.0.1' (using password: YES)");
    assertEquals(Diagnoses.databaseAccessDenied(null, null), f.diagnosis());
  }

  @Test
  void error1044IsAccessDeniedToTheDatabase_whatADroppedDatabaseTheUserCannotCreateGives() {
    LogScanner.Finding f = decisive(HEAD + "Error 1044: Access denied for user 'stepca'@'127.0.0.1' to database 'stepca'");
    assertEquals(Diagnoses.databaseAccessDeniedToDatabase(null, null), f.diagnosis());
    assertTrue(f.diagnosis().action().contains("recover"), f.diagnosis().action());
  }

  @Test
  void error1049IsUnknownDatabase() {
    LogScanner.Finding f = decisive(HEAD + "Error 1049: Unknown database 'stepca'");
    assertEquals(Diagnoses.databaseUnknown(null), f.diagnosis());
    assertTrue(f.diagnosis().action().contains("empty"), "warns that a restart creates it empty");
  }

  @Test
  void theClientsErrorNumbersMapToTheSameRows() {
    MysqlDsn dsn = MysqlDsn.parse("stepca:" + PW + "@tcp(127.0.0.1:20518)/", "x");
    assertEquals(Diagnoses.databaseUnreachable("127.0.0.1:20518"), DatabaseCheck.diagnose(
        new MysqlQuery.Result(1, List.of(), "ERROR 2003 (HY000): Can't connect to server on '127.0.0.1' (115)"), dsn, "stepca"));
    assertEquals(Diagnoses.databaseAccessDenied("stepca", "127.0.0.1:20518"), DatabaseCheck.diagnose(
        new MysqlQuery.Result(1, List.of(), "ERROR 1045 (28000): Access denied for user 'stepca'@'127.0.0.1'"), dsn, "stepca"));
    assertEquals(Diagnoses.databaseAccessDeniedToDatabase("stepca", "stepca"), DatabaseCheck.diagnose(
        new MysqlQuery.Result(1, List.of(), "ERROR 1044 (42000): Access denied for user 'stepca'@'127.0.0.1' to database 'stepca'"),
        dsn, "stepca"));
    assertEquals(Diagnoses.databaseUnknown("stepca"), DatabaseCheck.diagnose(
        new MysqlQuery.Result(1, List.of(), "ERROR 1049 (42000): Unknown database 'stepca'"), dsn, "stepca"));
    assertEquals(Diagnoses.databaseUnreachable("127.0.0.1:20518"), DatabaseCheck.diagnose(
        new MysqlQuery.Result(-1, List.of(), "mariadb did not answer within 20 s"), dsn, "stepca"));
  }
}
