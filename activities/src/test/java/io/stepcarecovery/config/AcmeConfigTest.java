package io.stepcarecovery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeChallengeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA's acme block: what the ACME check orders and how it answers, each mistake named. */
class AcmeConfigTest {
  @TempDir Path tmp;

  private static String config(String acme) {
    return """
        cas:
          - name: main
            host: ca1
            caConfig: /etc/step-ca/config/ca.json
            url: https://ca.internal:9000
            rootCert: /etc/step-ca/certs/root_ca.crt
            service: { type: systemd, unit: step-ca }
        """ + "    acme: " + acme + "\n" + """
            backups: { store: /mnt/backups/step-ca }
        """;
  }

  private AcmeConfig load(String acme) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, config(acme));
    return ConfigLoader.load(f).ca("main").acme();
  }

  private String error(String acme) throws Exception {
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, config(acme));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f.toString() + ": ") && e.getMessage().contains("key 'cas[0].acme"),
        e.getMessage());
    return e.getMessage();
  }

  @Test
  void theFullShapeLoads_andTheProvisionerAloneStillDoes() throws Exception {
    AcmeConfig full = load("{ provisioner: acme, identifier: acme-check.internal,"
        + " challenge: { type: tls-alpn-01, listen: \"10.0.0.5:443\" } }");
    assertEquals(new AcmeConfig("acme", "acme-check.internal", new AcmeChallengeConfig("tls-alpn-01", "10.0.0.5:443")),
        full);
    assertEquals(new AcmeConfig("acme", "localhost", new AcmeChallengeConfig("http-01", "[::1]:80")),
        load("{ provisioner: acme, identifier: localhost, challenge: { type: http-01, listen: \"[::1]:80\" } }"));
    AcmeConfig plain = load("{ provisioner: acme }");
    assertNull(plain.identifier());
    assertNull(plain.challenge());
    assertEquals(new AcmeConfig("acme", "localhost", null), load("{ provisioner: acme, identifier: localhost }"));
  }

  @Test
  void eachMistakeIsNamedWithItsKeyAndWhatWasExpected() throws Exception {
    String m = error("{ identifier: localhost }");
    assertTrue(m.contains("'cas[0].acme.provisioner' is missing or invalid"), m);

    m = error("{ provisioner: acme, identifier: \"*.internal\" }");
    assertTrue(m.contains("'cas[0].acme.identifier'") && m.contains("a DNS name") && m.contains("'*.internal'"), m);

    m = error("{ provisioner: acme, challenge: { type: http-01, listen: \"127.0.0.1:80\" } }");
    assertTrue(m.contains("'cas[0].acme.identifier'") && m.contains("acme.challenge is set"), m);

    m = error("{ provisioner: acme, identifier: localhost, challenge: { type: dns-01, listen: \"127.0.0.1:80\" } }");
    assertTrue(m.contains("'cas[0].acme.challenge.type'") && m.contains("one of http-01, tls-alpn-01")
        && m.contains("got 'dns-01'"), m);

    m = error("{ provisioner: acme, identifier: localhost, challenge: { type: http-01 } }");
    assertTrue(m.contains("'cas[0].acme.challenge.listen'") && m.contains("e.g. 127.0.0.1:80"), m);

    for (String bad : new String[] {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "http://127.0.0.1:80", ":80"}) {
      m = error("{ provisioner: acme, identifier: localhost, challenge: { type: tls-alpn-01, listen: \"" + bad + "\" } }");
      assertTrue(m.contains("'cas[0].acme.challenge.listen'") && m.contains("e.g. 127.0.0.1:443")
          && m.contains("got '" + bad + "'"), m);
    }

    m = error("{ provisioner: acme, identifier: localhost, challenge: { type: http-01, listen: \"127.0.0.1:80\","
        + " port: 80 } }");
    assertTrue(m.contains("unknown key 'cas[0].acme.challenge.port'") && m.contains("listen, type"), m);
  }

  @Test
  void listenAddressesParseAsTheyAreWritten() {
    assertEquals(new ListenAddress("127.0.0.1", 80), ListenAddress.parse("127.0.0.1:80"));
    assertEquals(new ListenAddress("::1", 443), ListenAddress.parse("[::1]:443"));
    assertEquals("[::1]:443", ListenAddress.parse("[::1]:443").toString());
    assertEquals(new ListenAddress("acme-check.internal", 8080), ListenAddress.parse("acme-check.internal:8080"));
    assertNull(ListenAddress.parse("127.0.0.1:80/path"));
    assertNull(ListenAddress.parse("user@127.0.0.1:80"));
    assertNull(ListenAddress.parse(null));
  }
}
