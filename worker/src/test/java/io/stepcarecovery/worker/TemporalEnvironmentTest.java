package io.stepcarecovery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stepcarecovery.config.StepcaRecoveryConfig.TemporalConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TlsConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flag over environment over config, for each variable the Temporal CLI reads. */
class TemporalEnvironmentTest {
  private static final TemporalConfig CONFIGURED = new TemporalConfig("config:7233", "config-ns",
      new TlsConfig(Path.of("/config/ca.pem"), Path.of("/config/cert.pem"), Path.of("/config/key.pem"), "config.example"));

  @Test
  void addressFlagWinsOverEnvironmentWhichWinsOverConfig() {
    Map<String, String> env = Map.of("TEMPORAL_ADDRESS", "env:7233");
    assertEquals("flag:7233", TemporalEnvironment.address(CONFIGURED, "flag:7233", env));
    assertEquals("env:7233", TemporalEnvironment.address(CONFIGURED, null, env));
    assertEquals("config:7233", TemporalEnvironment.address(CONFIGURED, null, Map.of()));
    assertEquals("config:7233", TemporalEnvironment.address(CONFIGURED, " ", Map.of("TEMPORAL_ADDRESS", "")),
        "a blank flag and an empty variable count as unset");
  }

  @Test
  void environmentAddressLeavesEmbeddedModeAndNothingAtAllIsEmbedded() {
    assertEquals("env:7233", TemporalEnvironment.address(null, null, Map.of("TEMPORAL_ADDRESS", "env:7233")));
    assertNull(TemporalEnvironment.address(new TemporalConfig(null, null, null), null, Map.of()));
  }

  @Test
  void namespaceAndTlsVariablesReplaceOnlyTheirOwnKeys() {
    TemporalConfig t = TemporalEnvironment.merge(CONFIGURED, Map.of("TEMPORAL_NAMESPACE", "env-ns",
        "TEMPORAL_TLS_CERT", "/env/cert.pem"));
    assertEquals("env-ns", t.namespaceOrDefault());
    assertEquals(Path.of("/env/cert.pem"), t.tls().clientCert());
    assertEquals(Path.of("/config/key.pem"), t.tls().clientKey(), "unset variables keep the config's");
    assertEquals(Path.of("/config/ca.pem"), t.tls().caCert());
    assertEquals("config.example", t.tls().serverName());
    assertEquals("config:7233", t.address());

    TemporalConfig all = TemporalEnvironment.merge(null, Map.of("TEMPORAL_TLS_CERT", "/e/c", "TEMPORAL_TLS_KEY",
        "/e/k", "TEMPORAL_TLS_CA", "/e/ca", "TEMPORAL_TLS_SERVER_NAME", "e.example", "TEMPORAL_ADDRESS", "e:1"));
    assertEquals(new TlsConfig(Path.of("/e/ca"), Path.of("/e/c"), Path.of("/e/k"), "e.example"), all.tls());
    assertEquals("e:1", all.address());
    assertEquals("default", all.namespaceOrDefault());
  }

  @Test
  void noVariablesLeaveTheConfigAsItIs() {
    TemporalConfig t = TemporalEnvironment.merge(CONFIGURED, Map.of("TEMPORAL_TLS_CA", " "));
    assertEquals(CONFIGURED, t);
    assertNull(TemporalEnvironment.merge(null, Map.of()).tls());
  }
}
