package io.stepcarecovery.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeChallengeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IngressConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.RunRecordsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.ScheduleConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TemporalConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and checks the YAML config. Every problem becomes one {@link ConfigException} naming the
 * file, the key and what was expected, because the person reading it is fixing an outage.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // A key given twice is a mistake in a file someone edits during an outage: the second value
      // silently winning would hide it.
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> SERVICE_TYPES = Set.of("systemd", "docker", "command");
  private static final Set<String> ACME_CHALLENGES =
      Set.of(AcmeChallengeConfig.HTTP_01, AcmeChallengeConfig.TLS_ALPN_01);
  /** Labels of letters, digits and inner hyphens: what an ACME CA accepts as a dns identifier. */
  private static final java.util.regex.Pattern DNS_NAME = java.util.regex.Pattern.compile(
      "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  private ConfigLoader() {}

  /** The file the CLI reads when --config is not given. */
  public static Path defaultLocation() {
    String env = System.getenv("STEPCA_RECOVERY_CONFIG");
    return Path.of(env != null && !env.isBlank() ? env : "/etc/stepca-recovery/config.yaml");
  }

  public static StepcaRecoveryConfig load(Path file) {
    Path source = file.toAbsolutePath().normalize();
    Raw raw;
    try {
      byte[] text = Files.readAllBytes(source);
      if (new String(text, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
        throw new ConfigException(source + " is empty: it needs at least a 'cas' list (see the README's"
            + " config example, or lab/up DIR for a lab's DIR/config.yaml)");
      }
      raw = YAML.readValue(text, Raw.class);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + source + " does not exist: pass --config FILE"
          + " (for a lab, lab/up DIR writes DIR/config.yaml)");
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(source + ": unknown key '" + path(e) + "'; expected one of "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
              .collect(Collectors.joining(", ")));
    } catch (InvalidFormatException e) {
      throw new ConfigException(source + ": key '" + path(e) + "' has value '" + e.getValue()
          + "', expected " + kind(e.getTargetType()));
    } catch (MismatchedInputException e) {
      throw new ConfigException(source + ": key '" + path(e) + "' has the wrong type, expected "
          + kind(e.getTargetType()));
    } catch (JsonProcessingException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof StreamReadException r && r.getOriginalMessage().startsWith("Duplicate field")) {
          throw duplicate(source, r);
        }
      }
      throw new ConfigException(source + " is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + source + ": " + e.getMessage());
    }
    if (raw == null) {
      throw new ConfigException(source + " is empty: it needs at least a 'cas' list");
    }
    return validate(source, raw);
  }

  private static StepcaRecoveryConfig validate(Path source, Raw raw) {
    Problems p = new Problems(source);
    List<CaConfig> cas = raw.cas() == null ? List.of() : raw.cas();
    if (cas.isEmpty()) {
      p.fail("cas", "a list with at least one CA (name, host, caConfig, url, rootCert, service, backups)");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < cas.size(); i++) {
      CaConfig ca = cas.get(i);
      String k = "cas[" + i + "]";
      if (ca == null) {
        p.fail(k, "a CA entry");
      }
      p.name(k + ".name", ca.name());
      if (!names.add(ca.name())) {
        p.fail(k + ".name", "a unique name, '" + ca.name() + "' is used twice");
      }
      p.name(k + ".host", ca.host());
      p.absolute(k + ".caConfig", ca.caConfig());
      p.httpsUrl(k + ".url", ca.url());
      p.absolute(k + ".rootCert", ca.rootCert());
      p.service(k + ".service", ca.service());
      if (ca.backups() == null) {
        p.fail(k + ".backups", "a map with 'store' (an absolute directory) and optional 'keep'");
      }
      p.absolute(k + ".backups.store", ca.backups().store());
      if (ca.backups().keep() != null && ca.backups().keep().problem() != null) {
        p.fail(k + ".backups.keep", "a number of backups to keep, at least 1, or restic's policy"
            + " {last, daily, weekly, monthly, yearly} (counts, at least one above 0): "
            + ca.backups().keep().problem());
      }
      p.absoluteIfSet(k + ".backups.encryptTo", ca.backups().encryptTo());
      p.absoluteIfSet(k + ".backups.decryptKey", ca.backups().decryptKey());
      p.absoluteIfSet(k + ".backups.decryptPassphraseFile", ca.backups().decryptPassphraseFile());
      if (ca.backups().decryptPassphraseFile() != null && ca.backups().decryptKey() == null) {
        p.fail(k + ".backups.decryptPassphraseFile", "to be set only with backups.decryptKey (the"
            + " private key it unlocks)");
      }
      p.absoluteIfSet(k + ".backups.signWith", ca.backups().signWith());
      p.absoluteIfSet(k + ".backups.signPassphraseFile", ca.backups().signPassphraseFile());
      p.absoluteIfSet(k + ".backups.verifyWith", ca.backups().verifyWith());
      if (ca.backups().signPassphraseFile() != null && ca.backups().signWith() == null) {
        p.fail(k + ".backups.signPassphraseFile", "to be set only with backups.signWith (the"
            + " private key it unlocks)");
      }
      Set<String> uris = new HashSet<>();
      List<CopyConfig> copies = ca.backups().copiesOrEmpty();
      for (int j = 0; j < copies.size(); j++) {
        String ck = k + ".backups.copies[" + j + "]";
        if (copies.get(j) == null) {
          p.fail(ck, "a map with one of sftp, s3 or restic");
        }
        copies.get(j).check(source, ck);
        if (!uris.add(copies.get(j).uri())) {
          p.fail(ck, "a store not listed before, " + copies.get(j).uri() + " is given twice");
        }
      }
      if (ca.owner() != null && !ca.owner().matches("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?")) {
        p.fail(k + ".owner", "user[:group] as names or numeric ids, e.g. step:step or 1000:1000");
      }
      if (ca.acme() != null) {
        p.acme(k + ".acme", ca.acme());
      }
      if (ca.drill() != null) {
        DrillConfig d = ca.drill();
        String dk = k + ".drill";
        if (!DrillConfig.BACKENDS.contains(d.backendOrDefault())) {
          p.fail(dk + ".backend", "command, systemd or docker, got '" + d.backend() + "'");
        }
        if (d.host() != null) {
          p.name(dk + ".host", d.host());
        }
        p.absoluteIfSet(dk + ".dir", d.dir());
        p.absoluteIfSet(dk + ".passwordFile", d.passwordFile());
        if (!d.backendOrDefault().equals(DrillConfig.DOCKER) && (d.command() == null || d.command().isBlank())) {
          p.fail(dk + ".command", "the step-ca binary and any leading arguments (e.g. /usr/bin/step-ca);"
              + " the drill appends --password-file PW CA_JSON");
        }
        if (d.backendOrDefault().equals(DrillConfig.DOCKER) && (d.image() == null || d.image().isBlank())) {
          p.fail(dk + ".image", "the production CA's image, e.g. smallstep/step-ca:0.19.0");
        }
        if (d.startTimeoutSeconds() != null && (d.startTimeoutSeconds() < 1 || d.startTimeoutSeconds() > 600)) {
          p.fail(dk + ".startTimeoutSeconds", "seconds from 1 to 600, got " + d.startTimeoutSeconds());
        }
      }
      if (ca.issuance() != null) {
        p.name(k + ".issuance.provisioner", ca.issuance().provisioner());
        p.absolute(k + ".issuance.passwordFile", ca.issuance().passwordFile());
      }
      if (ca.schedule() != null) {
        p.schedule(k + ".schedule", ca.schedule());
      }
    }
    List<IngressConfig> ingress = raw.ingress() == null ? List.of() : raw.ingress();
    for (int i = 0; i < ingress.size(); i++) {
      IngressConfig in = ingress.get(i);
      p.name("ingress[" + i + "].name", in.name());
      p.name("ingress[" + i + "].host", in.host());
      p.service("ingress[" + i + "].service", in.service());
      if (in.acmeJson() != null) {
        p.absolute("ingress[" + i + "].acmeJson", in.acmeJson());
      }
      if (in.url() != null) {
        p.httpsUrl("ingress[" + i + "].url", in.url());
      }
    }
    List<String> services = raw.services() == null ? List.of() : raw.services();
    for (int i = 0; i < services.size(); i++) {
      p.httpsUrl("services[" + i + "]", services.get(i));
    }
    if (raw.temporal() != null && raw.temporal().workerDeadlineSeconds() != null
        && (raw.temporal().workerDeadlineSeconds() < 1 || raw.temporal().workerDeadlineSeconds() > 86_400)) {
      p.fail("temporal.workerDeadlineSeconds", "a number of seconds from 1 to 86400, got "
          + raw.temporal().workerDeadlineSeconds());
    }
    TemporalConfig temporal = raw.temporal() == null
        ? new TemporalConfig(null, "default", null) : raw.temporal();
    p.absoluteIfSet("lockDir", raw.lockDir());
    java.time.Duration approvalTimeout = null;
    if (raw.approvalTimeout() != null) {
      long seconds = DurationText.seconds(raw.approvalTimeout());
      if (seconds < 0 || seconds > DurationText.MAX_SECONDS) {
        p.fail("approvalTimeout", "a positive duration such as 90s, 30m or 2h, at most 168h, got '"
            + io.stepcarecovery.text.TerminalText.line(raw.approvalTimeout()) + "'");
      }
      approvalTimeout = java.time.Duration.ofSeconds(seconds);
    }
    if (raw.runRecords() != null) {
      p.absoluteIfSet("runRecords.dir", raw.runRecords().dir());
      Integer keep = raw.runRecords().keep();
      if (keep != null && (keep < 1 || keep > 10_000)) {
        p.fail("runRecords.keep", "how many run records to keep, from 1 to 10000, got " + keep);
      }
    }
    StepcaRecoveryConfig.MetricsConfig metrics = null;
    if (raw.metrics() != null && raw.metrics().probeInterval() != null) {
      long seconds = DurationText.seconds(raw.metrics().probeInterval());
      if (seconds < 5 || seconds > 3600) {
        p.fail("metrics.probeInterval", "how often the worker probes for its metrics, from 5s to 1h, got '"
            + io.stepcarecovery.text.TerminalText.line(raw.metrics().probeInterval()) + "'");
      } else {
        metrics = new StepcaRecoveryConfig.MetricsConfig(java.time.Duration.ofSeconds(seconds));
      }
    }
    AlertThresholds alerts = raw.alerts() == null ? null : new AlertThresholds(
        threshold(p, "alerts.backupStale", raw.alerts().backupStale()),
        threshold(p, "alerts.drillStale", raw.alerts().drillStale()),
        threshold(p, "alerts.copyMissing", raw.alerts().copyMissing()),
        threshold(p, "alerts.intermediateExpiring", raw.alerts().intermediateExpiring()),
        threshold(p, "alerts.tlsCountdown", raw.alerts().tlsCountdown()));
    return new StepcaRecoveryConfig(source, temporal, List.copyOf(cas), List.copyOf(ingress),
        List.copyOf(services), raw.lockDir(), approvalTimeout, raw.runRecords(), metrics, alerts);
  }

  /** An alert threshold as written (90s, 30m, 26h, 8d), or null when unset (the rule's default). */
  private static java.time.Duration threshold(Problems p, String key, String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    long seconds = t.matches("[0-9]{1,5}d") ? Long.parseLong(t.substring(0, t.length() - 1)) * 86_400
        : DurationText.seconds(t);
    if (seconds <= 0) {
      p.fail(key, "a positive duration such as 30m, 26h or 8d (the value of the matching rule in"
          + " deploy/prometheus/alerts.yml), got '" + io.stepcarecovery.text.TerminalText.line(text) + "'");
    }
    return java.time.Duration.ofSeconds(seconds);
  }

  /** Names the key given twice, the map that holds it, and the line of its second time. */
  private static ConfigException duplicate(Path source, StreamReadException e) {
    String message = e.getOriginalMessage();
    int open = message.indexOf('\''), close = message.lastIndexOf('\'');
    String key = open >= 0 && close > open ? message.substring(open + 1, close) : message;
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    JsonStreamContext map = e.getProcessor() == null ? null : e.getProcessor().getParsingContext();
    // Each context is stored under its parent's current name (a map) or index (a list).
    for (JsonStreamContext c = map; c != null && c.getParent() != null && !c.inRoot(); c = c.getParent()) {
      JsonStreamContext parent = c.getParent();
      if (parent.inArray()) {
        parts.addFirst("[" + parent.getCurrentIndex() + "]");
      } else if (parent.inObject() && parent.getCurrentName() != null) {
        parts.addFirst(parent.getCurrentName());
      }
    }
    StringBuilder within = new StringBuilder();
    for (String part : parts) {
      within.append(within.length() > 0 && !part.startsWith("[") ? "." : "").append(part);
    }
    return new ConfigException(source + ": key '" + (within.length() > 0 ? within + "." : "") + key
        + "' is given twice" + (e.getLocation() == null ? "" : " (the second time at line "
        + e.getLocation().getLineNr() + ")") + "; keep one");
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      }
    }
    return sb.toString();
  }

  private static String kind(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == io.stepcarecovery.retention.KeepPolicy.class) {
      return "a whole number (the newest N) or restic's policy, a map of counts {last, daily, weekly,"
          + " monthly, yearly}";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Path.class) {
      return "a path";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a map (" + type.getSimpleName().replace("Config", "").toLowerCase() + ")";
  }

  /** Shapes the YAML may have; unknown keys are refused. */
  record Raw(TemporalConfig temporal, List<CaConfig> cas, List<IngressConfig> ingress,
      List<String> services, Path lockDir, String approvalTimeout, RunRecordsConfig runRecords,
      RawMetrics metrics, RawAlerts alerts) {}

  /** {@code alerts:} as written: durations like 26h or 8d. */
  record RawAlerts(String backupStale, String drillStale, String copyMissing, String intermediateExpiring,
      String tlsCountdown) {}

  /** {@code metrics:} as written; the interval is text like 60s or 5m. */
  record RawMetrics(String probeInterval) {}

  private record Problems(Path source) {
    void fail(String key, String expected) {
      throw new ConfigException(source + ": key '" + key + "' is missing or invalid: expected " + expected);
    }

    void name(String key, String value) {
      if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        fail(key, "a name of letters, digits, '.', '_' or '-'" + (value == null ? "" : ", got '" + value + "'"));
      }
    }

    void absolute(String key, Path value) {
      if (value == null) {
        fail(key, "an absolute path");
      }
      if (!value.isAbsolute()) {
        fail(key, "an absolute path, got relative '" + value + "' (the worker's working directory is"
            + " not a safe anchor for CA data)");
      }
    }

    void absoluteIfSet(String key, Path value) {
      if (value != null) {
        absolute(key, value);
      }
    }

    void acme(String key, AcmeConfig a) {
      name(key + ".provisioner", a.provisioner());
      if (a.identifier() != null && !DNS_NAME.matcher(a.identifier()).matches()) {
        fail(key + ".identifier", "a DNS name the CA can resolve to the challenge responder, e.g. localhost"
            + " or acme-check.internal, got '" + a.identifier() + "'");
      }
      AcmeChallengeConfig ch = a.challenge();
      if (ch == null) {
        return;
      }
      if (a.identifier() == null) {
        fail(key + ".identifier", "a DNS name to order a certificate for: acme.challenge is set, and the"
            + " challenge is answered for this name");
      }
      if (ch.type() == null || !ACME_CHALLENGES.contains(ch.type())) {
        fail(key + ".challenge.type", "one of " + String.join(", ", ACME_CHALLENGES.stream().sorted().toList())
            + (ch.type() == null ? "" : ", got '" + ch.type() + "'"));
      }
      if (ListenAddress.parse(ch.listen()) == null) {
        fail(key + ".challenge.listen", "host:port the check's responder binds, e.g. 127.0.0.1:"
            + (AcmeChallengeConfig.TLS_ALPN_01.equals(ch.type()) ? "443" : "80") + " ([::1]:80 for IPv6)"
            + (ch.listen() == null ? "" : ", got '" + ch.listen() + "'"));
      }
    }

    void httpsUrl(String key, String value) {
      try {
        URI uri = value == null ? null : URI.create(value);
        if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
          fail(key, "an https:// URL" + (value == null ? "" : ", got '" + value + "'"));
        }
      } catch (IllegalArgumentException e) {
        fail(key, "an https:// URL, got '" + value + "'");
      }
    }

    void schedule(String key, ScheduleConfig s) {
      if (s.backup() == null && s.drill() == null) {
        fail(key, "'backup' and/or 'drill', each " + ScheduleText.EXPECTED);
      }
      for (String[] job : new String[][] {{"backup", s.backup()}, {"drill", s.drill()}}) {
        if (job[1] != null) {
          try {
            ScheduleText.parse(job[1]);
          } catch (IllegalArgumentException e) {
            fail(key + "." + job[0], ScheduleText.EXPECTED + "; " + io.stepcarecovery.text.TerminalText.line(e.getMessage()));
          }
        }
      }
      if (s.jitter() != null && !s.jitter().strip().matches("0+[smh]?")
          && DurationText.seconds(s.jitter()) < 0) {
        fail(key + ".jitter", "a duration such as 30s, 5m or 1h (0 for none), got '"
            + io.stepcarecovery.text.TerminalText.line(s.jitter()) + "'");
      }
    }

    void service(String key, ServiceConfig s) {
      if (s == null || s.type() == null || !SERVICE_TYPES.contains(s.type())) {
        fail(key + ".type", "one of systemd, docker, command"
            + (s == null || s.type() == null ? "" : ", got '" + s.type() + "'"));
      }
      switch (s.type()) {
        case "systemd" -> {
          if (s.unit() == null || s.unit().isBlank()) {
            fail(key + ".unit", "the systemd unit name, e.g. step-ca");
          }
        }
        case "docker" -> {
          if (s.container() == null || s.container().isBlank()) {
            fail(key + ".container", "the container name, e.g. step-ca");
          }
        }
        default -> {
          for (String[] c : new String[][] {{"start", s.start()}, {"stop", s.stop()}, {"status", s.status()}}) {
            if (c[1] == null || c[1].isBlank()) {
              fail(key + "." + c[0], "a shell command (status exits 0 when running)");
            }
          }
          if (s.log() != null && !s.log().isAbsolute()) {
            fail(key + ".log", "an absolute path to the service's log file");
          }
        }
      }
    }
  }
}
