package io.stepcarecovery.config;

import io.stepcarecovery.retention.KeepPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The whole config file: one schema for the worker and the CLI (DESIGN.md).
 *
 * @param lockDir where the per-CA run locks live on the CA host (null: {@link #DEFAULT_LOCK_DIR}).
 *     Never in the backup store: a store may be read-only, a copy, or shared between hosts.
 * @param approvalTimeout how long a restore or recovery waits at its approval gate (null: the
 *     CLI's default, {@link #DEFAULT_APPROVAL_TIMEOUT}); --approval-timeout overrides it
 * @param runRecords where this host records its embedded runs for {@code list} (null: the defaults)
 * @param alerts when {@code overview} calls a state alerting (null: {@link AlertThresholds#DEFAULTS},
 *     the values of deploy/prometheus/alerts.yml)
 */
public record StepcaRecoveryConfig(
    Path source,
    TemporalConfig temporal,
    List<CaConfig> cas,
    List<IngressConfig> ingress,
    List<String> services,
    Path lockDir,
    Duration approvalTimeout,
    RunRecordsConfig runRecords,
    MetricsConfig metrics,
    AlertThresholds alerts) {
  /** tmpfs: a lock whose holder is gone because the host rebooted is gone with it. */
  public static final Path DEFAULT_LOCK_DIR = Path.of("/run/stepca-recovery");

  /** What a restore waits for approval when neither the command line nor the config says. */
  public static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(1);

  public StepcaRecoveryConfig(Path source, TemporalConfig temporal, List<CaConfig> cas,
      List<IngressConfig> ingress, List<String> services, Path lockDir, Duration approvalTimeout,
      RunRecordsConfig runRecords, MetricsConfig metrics) {
    this(source, temporal, cas, ingress, services, lockDir, approvalTimeout, runRecords, metrics, null);
  }

  public StepcaRecoveryConfig(Path source, TemporalConfig temporal, List<CaConfig> cas,
      List<IngressConfig> ingress, List<String> services, Path lockDir, Duration approvalTimeout,
      RunRecordsConfig runRecords) {
    this(source, temporal, cas, ingress, services, lockDir, approvalTimeout, runRecords, null);
  }

  public StepcaRecoveryConfig(Path source, TemporalConfig temporal, List<CaConfig> cas,
      List<IngressConfig> ingress, List<String> services) {
    this(source, temporal, cas, ingress, services, null);
  }

  public StepcaRecoveryConfig(Path source, TemporalConfig temporal, List<CaConfig> cas,
      List<IngressConfig> ingress, List<String> services, Path lockDir) {
    this(source, temporal, cas, ingress, services, lockDir, null, null);
  }

  /** The same config with another temporal section (the environment's variables applied). */
  public StepcaRecoveryConfig withTemporal(TemporalConfig newTemporal) {
    return new StepcaRecoveryConfig(source, newTemporal, cas, ingress, services, lockDir, approvalTimeout, runRecords,
        metrics, alerts);
  }

  /** The directory of this host's run records: runRecords.dir, else {@code runs} in the lock directory. */
  public Path runRecordsDir() {
    return runRecords != null && runRecords.dir() != null ? runRecords.dir() : lockDirOrDefault().resolve("runs");
  }

  /** How many run records this host keeps (the newest). */
  public int runRecordsKeep() {
    return runRecords != null && runRecords.keep() != null ? runRecords.keep() : RunRecordsConfig.DEFAULT_KEEP;
  }

  /**
   * Where the CLI records the runs of its embedded (break-glass) service, which vanish with the
   * process: names, times, statuses and a summary, never a secret.
   *
   * @param dir default {@code <lockDir>/runs}; on a tmpfs lockDir (the default) they last until a
   *     reboot: name a persistent directory to keep them longer
   * @param keep the newest this many are kept (default {@link #DEFAULT_KEEP})
   */
  /**
   * What the worker's metrics endpoint ({@code worker --metrics}) keeps current.
   *
   * @param probeInterval how often the worker probes each CA's health, its intermediate and the
   *     certificates the configured services serve (read-only); default {@link #DEFAULT_PROBE_INTERVAL}
   */
  public record MetricsConfig(Duration probeInterval) {
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(60);
  }

  public Duration metricsProbeIntervalOrDefault() {
    return metrics == null || metrics.probeInterval() == null ? MetricsConfig.DEFAULT_PROBE_INTERVAL
        : metrics.probeInterval();
  }

  public record RunRecordsConfig(Path dir, Integer keep) {
    public static final int DEFAULT_KEEP = 50;
  }

  /** The alert thresholds, each unset one the alert rules' value. */
  public AlertThresholds alertsOrDefault() {
    return alerts == null ? AlertThresholds.DEFAULTS : alerts.orDefaults();
  }

  public Duration approvalTimeoutOrDefault() {
    return approvalTimeout == null ? DEFAULT_APPROVAL_TIMEOUT : approvalTimeout;
  }

  public Path lockDirOrDefault() {
    return lockDir == null ? DEFAULT_LOCK_DIR : lockDir;
  }

  public CaConfig ca(String name) {
    return cas.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
        new ConfigException("unknown CA '" + name + "': " + source + " configures "
            + cas.stream().map(CaConfig::name).collect(Collectors.joining(", "))));
  }

  /** The CA to act on when the operator named none: the only one configured. */
  public CaConfig defaultCa() {
    if (cas.size() == 1) {
      return cas.get(0);
    }
    throw new ConfigException(source + " configures " + cas.size() + " CAs ("
        + cas.stream().map(CaConfig::name).collect(Collectors.joining(", ")) + "): name one with --ca");
  }

  /** Every host named in the config: the host task queues a single-host worker polls. */
  public List<String> hosts() {
    return java.util.stream.Stream.of(cas.stream().map(CaConfig::host),
            ingress.stream().map(IngressConfig::host), cas.stream().map(CaConfig::drillHost))
        .flatMap(s -> s)
        .distinct().toList();
  }

  /**
   * @param stickyExecution whether workflow workers keep runs cached on a sticky queue; unset:
   *     on, except against a service that does not say its version (Temporal's test server, the
   *     dev-server), which never moves a dead worker's sticky task back to the normal queue
   * @param workerDeadlineSeconds how long a run waits for a worker on a CA host before it gives
   *     up (default 60)
   */
  public record TemporalConfig(String address, String namespace, TlsConfig tls, Boolean stickyExecution,
      Integer workerDeadlineSeconds) {
    public TemporalConfig(String address, String namespace, TlsConfig tls) {
      this(address, namespace, tls, null, null);
    }

    public String namespaceOrDefault() {
      return namespace == null || namespace.isBlank() ? "default" : namespace;
    }
  }

  public record TlsConfig(Path caCert, Path clientCert, Path clientKey, String serverName) {}

  public record CaConfig(
      String name,
      String host,
      Path caConfig,
      String url,
      Path rootCert,
      ServiceConfig service,
      String owner,
      AcmeConfig acme,
      IssuanceConfig issuance,
      BackupsConfig backups,
      DrillConfig drill,
      ScheduleConfig schedule) {
    public CaConfig(String name, String host, Path caConfig, String url, Path rootCert, ServiceConfig service,
        String owner, AcmeConfig acme, IssuanceConfig issuance, BackupsConfig backups) {
      this(name, host, caConfig, url, rootCert, service, owner, acme, issuance, backups, null, null);
    }

    public CaConfig(String name, String host, Path caConfig, String url, Path rootCert, ServiceConfig service,
        String owner, AcmeConfig acme, IssuanceConfig issuance, BackupsConfig backups, DrillConfig drill) {
      this(name, host, caConfig, url, rootCert, service, owner, acme, issuance, backups, drill, null);
    }

    /** Where this CA's restore drills run: {@code drill.host}, else the CA's host. */
    public String drillHost() {
      return DrillConfig.hostOf(drill, host);
    }
  }

  /**
   * When the CA's backups and restore drills run on their own: {@code schedule apply} makes one
   * Temporal Schedule of each that is set (validated by {@link ScheduleText}: cron in UTC or an
   * interval).
   *
   * @param backup CRON_OR_INTERVAL, e.g. "0 3 * * *" or 6h; null: no scheduled backup
   * @param drill the same for restore drills of the latest backup; null: none
   * @param jitter each run starts up to this much later, at random, so that CAs scheduled alike
   *     do not all stop at the same second (default {@link #DEFAULT_JITTER}; "0" for none)
   */
  public record ScheduleConfig(String backup, String drill, String jitter) {
    public static final Duration DEFAULT_JITTER = Duration.ofMinutes(5);

    /** The jitter the config says (already validated), else the default. */
    public Duration jitterOrDefault() {
      if (jitter == null) {
        return DEFAULT_JITTER;
      }
      long seconds = DurationText.seconds(jitter);
      return seconds < 0 ? Duration.ZERO : Duration.ofSeconds(seconds);
    }
  }

  /**
   * How a service is controlled. {@code systemd}: unit. {@code docker}: container (and the
   * Engine API address, else DOCKER_HOST). {@code command}: operator-supplied shell commands;
   * status exits 0 when running, 1-3 when stopped (LSB).
   */
  public record ServiceConfig(
      String type,
      String unit,
      String container,
      String dockerHost,
      String start,
      String stop,
      String status,
      String restart,
      Path log) {}

  /**
   * The checklist's ACME item: which provisioner, and what a real order tests.
   *
   * @param provisioner the ACME provisioner's name in ca.json (its directory is
   *     {@code <url>/acme/<provisioner>/directory})
   * @param identifier the DNS name the check orders a certificate for; unset: the check stops
   *     after creating an account (and says so)
   * @param challenge how the check answers the CA's challenge for {@code identifier}; unset: the
   *     check stops after creating the order (and says so: not a full pass)
   */
  public record AcmeConfig(String provisioner, String identifier, AcmeChallengeConfig challenge) {
    public AcmeConfig(String provisioner) {
      this(provisioner, null, null);
    }
  }

  /**
   * The challenge the ACME check answers itself, with a responder it runs only for the order's
   * duration.
   *
   * @param type {@code http-01} (the CA fetches http://IDENTIFIER/.well-known/acme-challenge/TOKEN,
   *     port 80) or {@code tls-alpn-01} (the CA connects to IDENTIFIER port 443 with ALPN acme-tls/1)
   * @param listen host:port the responder binds, e.g. 127.0.0.1:80: the address the CA reaches
   *     when it resolves the identifier (port 80 for http-01, 443 for tls-alpn-01, unless
   *     something forwards to it)
   */
  public record AcmeChallengeConfig(String type, String listen) {
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";
  }

  public record IssuanceConfig(String provisioner, Path passwordFile, String subject) {}

  /**
   * Where backups go and how long they stay. {@code encryptTo}: an OpenPGP public key file; when
   * set, archives are stored encrypted to it. {@code decryptKey} (and its passphrase file): the
   * matching private key, configured on the restoring host only. {@code signWith} (and its
   * passphrase file): an OpenPGP private key on the CA host that signs every archive;
   * {@code verifyWith}: the matching public key(s) on the restoring host, which then restores only
   * archives signed by them. {@code copies}: off-host stores every backup is also written to
   * (SFTP, S3, restic), after the CA is started again.
   */
  public record BackupsConfig(Path store, KeepPolicy keep, Path encryptTo, Path decryptKey,
      Path decryptPassphraseFile, Path signWith, Path signPassphraseFile, Path verifyWith,
      List<CopyConfig> copies) {
    public BackupsConfig(Path store, KeepPolicy keep, Path encryptTo, Path decryptKey,
        Path decryptPassphraseFile, Path signWith, Path signPassphraseFile, Path verifyWith) {
      this(store, keep, encryptTo, decryptKey, decryptPassphraseFile, signWith, signPassphraseFile, verifyWith, null);
    }

    public List<CopyConfig> copiesOrEmpty() {
      return copies == null ? List.of() : copies;
    }

    public BackupsConfig(Path store, Integer keep) {
      this(store, keep, null, null, null);
    }

    public BackupsConfig(Path store, Integer keep, Path encryptTo, Path decryptKey, Path decryptPassphraseFile) {
      this(store, keep == null ? null : KeepPolicy.lastN(keep), encryptTo, decryptKey, decryptPassphraseFile);
    }

    public BackupsConfig(Path store, KeepPolicy keep, Path encryptTo, Path decryptKey, Path decryptPassphraseFile) {
      this(store, keep, encryptTo, decryptKey, decryptPassphraseFile, null, null, null);
    }

    /** The retention policy: {@code keep} as configured (an integer N is {@code {last: N}}), else the 14 newest. */
    public KeepPolicy keepOrDefault() {
      return keep == null ? KeepPolicy.DEFAULT : keep;
    }
  }

  /**
   * @param acmeJson Traefik's ACME store on the ingress host, when it keeps one
   * @param url an HTTPS address the ingress serves with a certificate from its ACME resolver:
   *     probed after a recovery cleared an account, until a certificate issued since is served
   */
  public record IngressConfig(String name, String host, ServiceConfig service, Path acmeJson, String url) {}
}
