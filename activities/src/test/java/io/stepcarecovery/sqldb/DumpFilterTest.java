package io.stepcarecovery.sqldb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.archive.UnsafeArchiveException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A dump is loaded into its staging database only: its own header retargeted, anything else refused. */
class DumpFilterTest {
  /** The head of a real `mariadb-dump --databases stepca --hex-blob --skip-comments` (10.11). */
  private static final String HEAD = "/*M!999999\\- enable the sandbox mode */ \n"
      + "/*!40101 SET NAMES utf8mb4 */;\n\n"
      + "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `stepca` /*!40100 DEFAULT CHARACTER SET latin1 COLLATE latin1_swedish_ci */;\n\n"
      + "USE `stepca`;\n"
      + "DROP TABLE IF EXISTS `x509_certs`;\n"
      + "CREATE TABLE `x509_certs` (\n  `nkey` varbinary(255) NOT NULL,\n  `nvalue` blob DEFAULT NULL,\n"
      + "  PRIMARY KEY (`nkey`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;\n"
      + "INSERT INTO `x509_certs` VALUES\n(0x3132,0x30820123\u00ff);\n";

  private static String filter(String dump) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DumpFilter.copy(new ByteArrayInputStream(dump.getBytes(StandardCharsets.ISO_8859_1)), out, "stepca",
        "stepca_restore_20261130t023825z", n -> {});
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void theDumpsOwnDatabaseHeaderIsRetargetedAndEveryOtherLineKeptByteForByte() throws IOException {
    String out = filter(HEAD);
    assertFalse(out.contains("CREATE DATABASE"), out);
    assertFalse(out.contains("USE `stepca`;"), out);
    assertTrue(out.contains("USE `stepca_restore_20261130t023825z`;\n"), out);
    assertTrue(out.contains("INSERT INTO `x509_certs` VALUES\n(0x3132,0x30820123\u00ff);\n"), out);
    assertEquals(HEAD.replace("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `stepca` /*!40100 DEFAULT CHARACTER SET latin1"
        + " COLLATE latin1_swedish_ci */;\n", "").replace("USE `stepca`;", "USE `stepca_restore_20261130t023825z`;"), out);
  }

  @Test
  void statementsThatWouldLeaveTheStagingDatabaseAreRefused() {
    for (String escape : new String[] {"USE `mysql`;", "use stepca;", "DROP DATABASE `stepca`;",
        "CREATE DATABASE `other`;", "create schema x;", "\\u mysql", "USE `stepca`;"}) {
      UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class, () -> filter(HEAD + escape + "\n"), escape);
      assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }
  }
}
