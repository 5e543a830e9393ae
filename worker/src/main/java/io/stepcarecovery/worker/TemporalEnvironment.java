package io.stepcarecovery.worker;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TemporalConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TlsConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Temporal CLI's environment variables, read the way it reads them, so that a shell set up
 * for {@code temporal} works for this tool too: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME. Precedence: a
 * flag (--temporal) over the environment over the config file. An empty variable counts as unset.
 */
public final class TemporalEnvironment {
  public static final String ADDRESS = "TEMPORAL_ADDRESS";
  public static final String NAMESPACE = "TEMPORAL_NAMESPACE";
  public static final String TLS_CERT = "TEMPORAL_TLS_CERT";
  public static final String TLS_KEY = "TEMPORAL_TLS_KEY";
  public static final String TLS_CA = "TEMPORAL_TLS_CA";
  public static final String TLS_SERVER_NAME = "TEMPORAL_TLS_SERVER_NAME";

  private TemporalEnvironment() {}

  /** The address: the flag, else TEMPORAL_ADDRESS, else the config's; null means embedded. */
  public static String address(TemporalConfig configured, String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String fromEnv = get(env, ADDRESS);
    if (fromEnv != null) {
      return fromEnv;
    }
    return configured == null || configured.address() == null || configured.address().isBlank()
        ? null : configured.address();
  }

  /** The config's temporal section with each variable that is set taking the place of its key. */
  public static TemporalConfig merge(TemporalConfig configured, Map<String, String> env) {
    TemporalConfig t = configured == null ? new TemporalConfig(null, null, null) : configured;
    TlsConfig tls = t.tls();
    String cert = get(env, TLS_CERT);
    String key = get(env, TLS_KEY);
    String ca = get(env, TLS_CA);
    String serverName = get(env, TLS_SERVER_NAME);
    if (cert != null || key != null || ca != null || serverName != null) {
      TlsConfig base = tls == null ? new TlsConfig(null, null, null, null) : tls;
      tls = new TlsConfig(ca != null ? Path.of(ca) : base.caCert(),
          cert != null ? Path.of(cert) : base.clientCert(),
          key != null ? Path.of(key) : base.clientKey(),
          serverName != null ? serverName : base.serverName());
    }
    String address = get(env, ADDRESS);
    String namespace = get(env, NAMESPACE);
    return new TemporalConfig(address != null ? address : t.address(),
        namespace != null ? namespace : t.namespace(), tls, t.stickyExecution(), t.workerDeadlineSeconds());
  }

  /** The whole config with the environment applied to its temporal section. */
  public static StepcaRecoveryConfig apply(StepcaRecoveryConfig config, Map<String, String> env) {
    // every other key kept as it is: a copy naming each would drop the next key added
    return config.withTemporal(merge(config.temporal(), env));
  }

  private static String get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
