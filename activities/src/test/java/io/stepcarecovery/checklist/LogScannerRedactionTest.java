package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Quoted log lines never carry a database password, whatever it holds. */
class LogScannerRedactionTest {
  @Test
  void stepCasUnreachableDatabaseLineLosesItsPassword() {
    // the line step-ca 0.19 printed on the lab with MariaDB stopped (password replaced)
    String line = "Error opening database of Type mysql with source stepca:zJ9lCiNPoLEWn5XxNJAf@tcp(127.0.0.1:21856)/:"
        + " error creating database stepca (if not exists): dial tcp 127.0.0.1:21856: connect: connection refused";
    String q = LogScanner.quote(line);
    assertFalse(q.contains("zJ9lCiNPoLEWn5XxNJAf"), q);
    assertTrue(q.startsWith("Error opening database of Type mysql with source stepca:[redacted]@tcp(127.0.0.1:21856)/:"), q);
    assertTrue(q.contains("connection refused"), q);
  }

  @Test
  void passwordsWithAtSignsSpacesAndColonsAreRedactedWhole() {
    for (String pw : new String[] {"p@ss:w@rd", "two words", "x/y:z", ":@:"}) {
      String q = LogScanner.quote("Error opening database of Type mysql with source ca:" + pw
          + "@tcp(db.internal:3306)/: access denied");
      assertFalse(q.contains(pw), q);
      assertTrue(q.contains("ca:[redacted]@tcp(db.internal:3306)/"), q);
    }
  }

  @Test
  void anyQuotedDsnLosesItsCredentialsAndOtherTextStays() {
    assertEquals("dsn=ca:[redacted]@unix(/run/mysqld/mysqld.sock)/ fine",
        LogScanner.quote("dsn=ca:s3cret@unix(/run/mysqld/mysqld.sock)/ fine"));
    assertEquals("postgresql://ca:[redacted]@db:5432/stepca", LogScanner.quote("postgresql://ca:hunter2@db:5432/stepca"));
    String plain = "2026/11/30 00:08:47 Serving HTTPS on 127.0.0.1:29859 ...";
    assertEquals(plain, LogScanner.quote(plain));
  }

  @Test
  void aServiceCommandsOutputInAnErrorIsRedactedToo() {
    // lab/ca-ctl start prints step-ca's last log lines when it exits at once: the error quotes them
    io.stepcarecovery.service.Shell.Result r = new io.stepcarecovery.service.Shell.Result(1,
        "ca-ctl: step-ca exited right after start\nError opening database of Type mysql with source"
            + " stepca:pw123@tcp(127.0.0.1:3306)/: connection refused\n");
    assertFalse(r.tail().contains("pw123"), r.tail());
    assertTrue(r.tail().contains("stepca:[redacted]@tcp(127.0.0.1:3306)/"), r.tail());
  }
}
