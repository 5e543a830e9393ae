package io.stepcarecovery.sqldb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepcarecovery.config.ConfigException;
import org.junit.jupiter.api.Test;

/** ca.json's DSN is hostile input: parsed as the Go driver does, every part checked, never quoted. */
class MysqlDsnTest {
  @Test
  void parsesTheLabsDsn() {
    MysqlDsn d = MysqlDsn.parse("stepca:Abc123@tcp(127.0.0.1:21856)/", "ca.json");
    assertEquals("stepca", d.user());
    assertEquals("Abc123", d.password());
    assertEquals("127.0.0.1", d.host());
    assertEquals(21856, d.port());
    assertNull(d.socket());
    assertFalse(d.toString().contains("Abc123"));
  }

  @Test
  void passwordRunsToTheLastAtBeforeTheAddress() {
    MysqlDsn d = MysqlDsn.parse("ca:p@ss:w\"o'rd\\@tcp(db.internal)/?tls=false", "x");
    assertEquals("p@ss:w\"o'rd\\", d.password());
    assertEquals("db.internal", d.host());
    assertEquals(3306, d.port());
  }

  @Test
  void unixSocketsAndIpv6() {
    assertEquals("/run/mysqld/mysqld.sock", MysqlDsn.parse("ca:x@unix(/run/mysqld/mysqld.sock)/", "x").socket());
    MysqlDsn v6 = MysqlDsn.parse("ca:x@tcp([::1]:3307)/", "x");
    assertEquals("::1", v6.host());
    assertEquals(3307, v6.port());
  }

  @Test
  void refusesWhatCouldReachAClientAsAnOptionOrALine() {
    String[] bad = {
      "", "no-slash", "ca:x@tcp(-oops:1)/", "ca:x@tcp(host:0)/", "ca:x@tcp(host:99999)/",
      "ca:x@tcp(h;ost:1)/", "c a:x@tcp(h:1)/", ":x@tcp(h:1)/", "ca:x\ny@tcp(h:1)/",
      "ca:x@udp(h:1)/", "ca:x@unix(relative.sock)/", "ca:x@unix(/a/../etc/x)/"
    };
    for (String dsn : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> MysqlDsn.parse(dsn, "ca.json"), dsn);
      assertFalse(!dsn.isEmpty() && e.getMessage().contains(dsn), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> MysqlDsn.database("--all-databases", "x"));
    assertThrows(ConfigException.class, () -> MysqlDsn.database("a`b", "x"));
    assertThrows(ConfigException.class, () -> MysqlDsn.database(null, "x"));
    assertEquals("stepca", MysqlDsn.database("stepca", "x"));
  }

  @Test
  void optionFileQuotesThePasswordSoTheClientReadsItBack() {
    // the same escaping was checked by hand against mariadb 10.11: user q, password a\b"c#d'e f
    String f = MysqlDump.optionFile(MysqlDsn.parse("q:a\\b\"c#d'e f@tcp(127.0.0.1:3306)/", "x"));
    assertEquals("[client]\nuser=q\npassword=\"a\\\\b\\\"c#d'e f\"\nhost=127.0.0.1\nport=3306\nprotocol=tcp\n", f);
  }

  @Test
  void parametersAreKeptInOrderAndUnescapedAndTheDatabaseNameBeforeThemIsTolerated() {
    MysqlDsn d = MysqlDsn.parse("ca:pw@tcp(db:3306)/stepca?tls=true&parseTime=true&loc=Europe%2FParis&timeout=5s", "x");
    assertEquals(java.util.List.of("tls", "parseTime", "loc", "timeout"), java.util.List.copyOf(d.params().keySet()));
    assertEquals("Europe/Paris", d.params().get("loc"));
    assertEquals("db", d.host());
    assertEquals(java.util.List.of("parseTime", "loc"), d.ignoredParams());
    assertEquals("MysqlDsn[user=ca, address=db:3306, password=[redacted], params=[tls, parseTime, loc, timeout]]", d.toString());
    assertEquals(java.util.Map.of(), MysqlDsn.parse("ca:pw@tcp(db:3306)/", "x").params());
  }

  @Test
  void tlsAndTimeoutBecomeClientOptionsTheOthersAreNotPassedOn() {
    assertEquals(java.util.List.of("loose-ssl", "loose-ssl-verify-server-cert", "loose-ssl-mode=VERIFY_IDENTITY"),
        MysqlDsn.parse("ca:pw@tcp(db)/?tls=true", "x").clientOptions());
    assertEquals(java.util.List.of("loose-ssl", "loose-skip-ssl-verify-server-cert", "loose-ssl-mode=REQUIRED"),
        MysqlDsn.parse("ca:pw@tcp(db)/?tls=skip-verify", "x").clientOptions());
    assertEquals(java.util.List.of("loose-skip-ssl", "loose-ssl-mode=DISABLED"),
        MysqlDsn.parse("ca:pw@tcp(db)/?tls=false", "x").clientOptions());
    assertEquals(java.util.List.of(), MysqlDsn.parse("ca:pw@tcp(db)/?tls=preferred&parseTime=true&charset=utf8mb4", "x").clientOptions());
    assertEquals(java.util.List.of("connect-timeout=90"), MysqlDsn.parse("ca:pw@tcp(db)/?timeout=90s", "x").clientOptions());
    assertEquals(java.util.List.of("connect-timeout=1"), MysqlDsn.parse("ca:pw@tcp(db)/?timeout=200ms", "x").clientOptions());
    assertEquals(java.util.List.of("connect-timeout=120"), MysqlDsn.parse("ca:pw@tcp(db)/?timeout=2m", "x").clientOptions());
    // the option file carries them after the connection lines
    assertEquals("[client]\nuser=ca\npassword=\"pw\"\nsocket=/run/m.sock\nprotocol=socket\nloose-skip-ssl\n"
        + "loose-ssl-mode=DISABLED\nconnect-timeout=3\n",
        MysqlDump.optionFile(MysqlDsn.parse("ca:pw@unix(/run/m.sock)/?tls=false&timeout=3s&parseTime=true", "x")));
  }

  @Test
  void badParameterValuesAreRefusedWithoutQuotingTheDsn() {
    String[] bad = {
      "ca:pw1@tcp(db)/?tls=my-custom-config", "ca:pw1@tcp(db)/?timeout=forever", "ca:pw1@tcp(db)/?timeout=5s%0a",
      "ca:pw1@tcp(db)/?a%20b=1", "ca:pw1@tcp(db)/?x=%zz", "ca:pw1@tcp(db)/?loc=a%0Ab"
    };
    for (String dsn : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> MysqlDsn.parse(dsn, "ca.json"), dsn);
      assertFalse(e.getMessage().contains("pw1"), e.getMessage());
    }
  }
}
