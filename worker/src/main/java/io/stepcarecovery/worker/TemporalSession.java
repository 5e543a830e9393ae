package io.stepcarecovery.worker;

import io.grpc.StatusRuntimeException;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TemporalConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.FileInputStream;
import java.io.InputStream;

/**
 * A connection to Temporal. Either a real cluster (the address from the config or --temporal),
 * where the long-running worker does the work; or, with no address, an embedded in-process
 * Temporal service with a worker of its own: the break-glass mode for when the cluster itself
 * depends on the CA being recovered, and the demo.
 */
public final class TemporalSession implements AutoCloseable {
  private final WorkflowClient client;
  private final TestWorkflowEnvironment embedded;
  private final WorkflowServiceStubs stubs;
  private final String address;
  private final boolean searchAttributes;

  private TemporalSession(WorkflowClient client, TestWorkflowEnvironment embedded,
      WorkflowServiceStubs stubs, String address, boolean searchAttributes) {
    this.client = client;
    this.embedded = embedded;
    this.stubs = stubs;
    this.address = address;
    this.searchAttributes = searchAttributes;
  }

  /**
   * The address to use: --temporal, else $TEMPORAL_ADDRESS, else the config's; null means
   * embedded ({@link TemporalEnvironment}).
   */
  public static String address(StepcaRecoveryConfig config, String override) {
    return TemporalEnvironment.address(config.temporal(), override, System.getenv());
  }

  /** Embedded service with a worker serving every host of the config. */
  public static TemporalSession embedded(StepcaRecoveryConfig config) {
    return embedded(config, EmbeddedStart.start());
  }

  private static TemporalSession embedded(StepcaRecoveryConfig config, EmbeddedStart.Started started) {
    TestWorkflowEnvironment env = started.env();
    io.stepcarecovery.lock.RunContext.embedded(); // the locks this process takes say so
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
    return new TemporalSession(env.getWorkflowClient(), env, null, "embedded", started.searchAttributes());
  }

  /** A client of a real Temporal service; fails fast with what to do if it cannot be reached. */
  public static TemporalSession connect(StepcaRecoveryConfig configured, String address) {
    return connect(configured, address, false);
  }

  /**
   * @param worker whether this is the long-running worker, the one place that warns (once) when
   *     the service has no search attributes
   */
  public static TemporalSession connect(StepcaRecoveryConfig configured, String address, boolean worker) {
    return connect(configured, address, worker, null);
  }

  /** @param metricsScope where the SDK reports its client and worker metrics; null: nowhere */
  public static TemporalSession connect(StepcaRecoveryConfig configured, String address, boolean worker,
      com.uber.m3.tally.Scope metricsScope) {
    // TEMPORAL_NAMESPACE and the TLS variables over the config, as the Temporal CLI reads them
    StepcaRecoveryConfig config = TemporalEnvironment.apply(configured, System.getenv());
    TemporalConfig t = config.temporal() == null ? new TemporalConfig(null, null, null) : config.temporal();
    // A service that listens but answers slowly (a dev-server on a loaded machine, a JVM starting
    // several workers at once) gets 10 s an attempt and 30 s in all; one that does not listen
    // fails at once (UNAVAILABLE).
    WorkflowServiceStubsOptions.Builder opts = WorkflowServiceStubsOptions.newBuilder().setTarget(address)
        .setHealthCheckAttemptTimeout(java.time.Duration.ofSeconds(10))
        .setHealthCheckTimeout(java.time.Duration.ofSeconds(30));
    if (metricsScope != null) {
      opts.setMetricsScope(metricsScope);
    }
    if (t.tls() != null) {
      for (String ca : casBehindTemporalTls(config)) {
        org.slf4j.LoggerFactory.getLogger(TemporalSession.class).warn("the Temporal connection's TLS"
            + " certificates chain to CA '{}', which this tool manages: recovering that CA may need the"
            + " very connection it breaks. In an outage, use the embedded break-glass mode (omit"
            + " --temporal and temporal.address).", ca);
      }
      try (InputStream cert = t.tls().clientCert() == null ? null : new FileInputStream(t.tls().clientCert().toFile());
          InputStream key = t.tls().clientKey() == null ? null : new FileInputStream(t.tls().clientKey().toFile())) {
        SimpleSslContextBuilder ssl = cert == null ? SimpleSslContextBuilder.noKeyOrCertChain()
            : SimpleSslContextBuilder.forPKCS8(cert, key);
        if (t.tls().caCert() != null) {
          ssl.setTrustManager(io.stepcarecovery.probe.HttpsClients.trustManager(
              io.stepcarecovery.ca.Fingerprints.certificates(t.tls().caCert())));
        }
        opts.setSslContext(ssl.build());
      } catch (Exception e) {
        throw new ConfigException(config.source() + ": temporal.tls cannot be used: " + e.getMessage());
      }
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(opts.build());
    try {
      stubs.healthCheck();
    } catch (StatusRuntimeException e) {
      stubs.shutdownNow();
      throw new ConfigException("Temporal is unreachable at " + address + " (" + e.getStatus().getCode()
          + "): start it, fix temporal.address / --temporal, or omit the address to run embedded"
          + " (break-glass mode)");
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw new ConfigException("Temporal is unreachable at " + address + ": " + e.getMessage()
          + "; start it, fix temporal.address / --temporal, or omit the address to run embedded");
    }
    WorkflowClient client = WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(t.namespaceOrDefault()).build());
    boolean attributes = RunbookAttributes.register(stubs, t.namespaceOrDefault(), worker);
    io.stepcarecovery.lock.RunContext.temporal(address); // where `status ID` finds this process's runs
    return new TemporalSession(client, null, stubs, address, attributes);
  }

  /**
   * The managed CAs whose root the Temporal TLS settings trust (as the server's CA or by signing
   * the client certificate): recovering one of those needs a connection its outage breaks.
   */
  public static java.util.List<String> casBehindTemporalTls(StepcaRecoveryConfig config) {
    TemporalConfig t = config.temporal();
    if (t == null || t.tls() == null) {
      return java.util.List.of();
    }
    java.util.Set<String> trusted = new java.util.HashSet<>();
    for (java.nio.file.Path p : new java.nio.file.Path[] {t.tls().caCert(), t.tls().clientCert()}) {
      if (p != null && java.nio.file.Files.isRegularFile(p)) {
        io.stepcarecovery.ca.Fingerprints.certificates(p).forEach(c -> {
          trusted.add(io.stepcarecovery.ca.Fingerprints.of(c));
          trusted.add(c.getIssuerX500Principal().getName());
        });
      }
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    for (var ca : config.cas()) {
      if (java.nio.file.Files.isRegularFile(ca.rootCert())) {
        var root = io.stepcarecovery.ca.Fingerprints.firstCertificate(ca.rootCert());
        if (trusted.contains(io.stepcarecovery.ca.Fingerprints.of(root))
            || trusted.contains(root.getSubjectX500Principal().getName())) {
          names.add(ca.name());
        }
      }
    }
    return names;
  }

  public static TemporalSession open(StepcaRecoveryConfig config, String override) {
    String address = address(config, override);
    return address == null ? embedded(config) : connect(config, address);
  }

  /**
   * As {@link #open(StepcaRecoveryConfig, String)}, with the embedded service {@code early} began
   * to start (null: none); discarded when the config names an address.
   */
  public static TemporalSession open(StepcaRecoveryConfig config, String override, EmbeddedStart early) {
    String address = address(config, override);
    if (address != null || early == null) {
      if (early != null) {
        early.close();
      }
      return address == null ? embedded(config) : connect(config, address);
    }
    return embedded(config, early.take());
  }

  public WorkflowClient client() {
    return client;
  }

  /** Whether runs can carry the CaName / RunbookKind / Reason search attributes here. */
  public boolean hasSearchAttributes() {
    return searchAttributes;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  public String address() {
    return address;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
    if (stubs != null) {
      stubs.shutdown();
    }
  }
}
