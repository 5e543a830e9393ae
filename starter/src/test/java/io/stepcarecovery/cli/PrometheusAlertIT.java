package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed by lab/install) scrapes a real worker during and
 * after a real backup and evaluates the alert rules: with the rules as shipped the stale-backup
 * alert stays inactive on the fresh backup; with its threshold shortened (the backup is now
 * stale by it) and the rules reloaded, it goes pending and then firing, labelled with the CA.
 *
 * <p>First Prometheus loads deploy/prometheus/alerts.yml byte for byte. Then the same file with
 * two values of StepcaBackupStale alone replaced, so the test fits in a minute: its threshold
 * ({@code 26 * 3600} becomes {@value #STALE_AFTER_SECONDS} s) and its {@code for} ({@code 10m}
 * becomes {@value #FOR}). Both literals must be found exactly once in that rule or the test
 * fails: a change of the real rule's expression is tested as it is, never a stale copy.
 */
@Tag("lab")
class PrometheusAlertIT {
  private static final String PROMETHEUS = "/usr/bin/prometheus";
  private static final String ALERT = "StepcaBackupStale";
  private static final String THRESHOLD = "26 * 3600";
  private static final String FOR = "2s";
  /** The shortened threshold: the backup just taken is older than that once Prometheus reloads. */
  private static final long STALE_AFTER_SECONDS = 1;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void theStaleBackupAlertIsQuietOnAFreshBackupThenFiresForThatCaWhenItIsStale() throws Exception {
    int port = DevServerIT.freePort();
    int metricsPort = DevServerIT.freePort();
    int prometheusPort = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = null;
    Process worker = null;
    Process prometheus = null;
    long t0 = System.nanoTime();
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
      Thread.sleep(3000);
      worker = DevServerIT.start(tmp.resolve("worker.log"), "worker", "--config", config, "--temporal", temporal,
          "--metrics", String.valueOf(metricsPort));
      // Prometheus starts while the backup runs, with the rules exactly as shipped.
      Path rules = tmp.resolve("alerts.yml");
      String shipped = Files.readString(LabCa.repo().resolve("deploy/prometheus/alerts.yml"));
      Files.writeString(rules, shipped);
      Path promConfig = tmp.resolve("prometheus.yml");
      Files.writeString(promConfig, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "  scrape_timeout: 1s",
          "  evaluation_interval: 1s",
          "rule_files:",
          "  - " + rules,
          "scrape_configs:",
          "  - job_name: stepca-recovery",
          "    static_configs:",
          "      - targets: ['127.0.0.1:" + metricsPort + "']",
          ""));
      Path log = tmp.resolve("prometheus.log");
      prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + promConfig,
          "--storage.tsdb.path=" + tmp.resolve("prometheus-data"),
          "--web.listen-address=127.0.0.1:" + prometheusPort)
          .redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String api = "http://127.0.0.1:" + prometheusPort;

      Cli.Run backup = Cli.run("backup", "--config", config, "--temporal", temporal);
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      Scrapes.awaitScrape(metricsPort, "stepca_backups_total{ca=\"lab\"} 1.0", tmp.resolve("worker.log"));
      long backedUp = System.nanoTime();

      // Before: Prometheus holds the backup's sample and has evaluated the shipped rule on it since.
      JsonNode age = await(30, log, "a scrape of the worker with the backup's sample", () -> {
        JsonNode r = query(api, "time() - max by (ca) (stepca_backup_last_success_timestamp_seconds{ca=\"lab\"})");
        return r.size() == 1 ? r : null;
      });
      Instant seen = Instant.now();
      JsonNode before = await(30, log, "an evaluation of " + ALERT + " after the sample arrived", () -> {
        JsonNode rule = rule(api, ALERT);
        return rule != null && java.time.OffsetDateTime.parse(rule.path("lastEvaluation").asText()).toInstant()
            .isAfter(seen) ? rule : null;
      });
      assertEquals("ok", before.path("health").asText(), "the rule evaluates without error: " + before);
      assertEquals("inactive", before.path("state").asText(), "a backup " + age.get(0).path("value").get(1).asText()
          + " s old under the shipped threshold (" + THRESHOLD + " s): " + before);
      assertEquals(List.of(), alerts(api, ALERT), "no " + ALERT + " alert while the backup is fresh");
      assertEquals("1", query(api, "up{job=\"stepca-recovery\"}").path(0).path("value").path(1).asText(),
          "Prometheus scrapes the worker");

      // After: the same backup is stale by a threshold of STALE_AFTER_SECONDS; Prometheus reloads
      // its rules on SIGHUP, as an operator's config change would.
      Files.writeString(rules, withShortStaleRule(shipped, STALE_AFTER_SECONDS));
      LabCa.run(List.of("kill", "-HUP", String.valueOf(prometheus.pid())), 10);
      long quiet = System.nanoTime();
      JsonNode pending = await(30, log, ALERT + " pending or firing", () -> {
        List<JsonNode> a = alerts(api, ALERT);
        return a.isEmpty() ? null : a.get(0);
      });
      assertEquals("lab", pending.path("labels").path("ca").asText(), "the alert names the CA: " + pending);
      assertEquals("warning", pending.path("labels").path("severity").asText(), pending.toString());
      JsonNode firing = await(30, log, ALERT + " firing after its 'for'", () -> {
        List<JsonNode> a = alerts(api, ALERT);
        return a.size() == 1 && "firing".equals(a.get(0).path("state").asText()) ? a.get(0) : null;
      });
      assertEquals("lab", firing.path("labels").path("ca").asText(), firing.toString());
      assertEquals(1, query(api, "ALERTS{alertname=\"" + ALERT + "\",alertstate=\"firing\",ca=\"lab\"}").size(),
          "the ALERTS series a dashboard or Alertmanager sees");
      System.out.printf("PrometheusAlertIT: lab, Temporal, worker, Prometheus and backup %.1f s; rule seen"
          + " quiet %.1f s later; pending then firing %.1f s after the reload%n", (backedUp - t0) / 1e9, (quiet - backedUp) / 1e9,
          (System.nanoTime() - quiet) / 1e9);
    } finally {
      stop(prometheus);
      DevServerIT.stop(worker);
      DevServerIT.stop(server);
    }
  }

  /**
   * alerts.yml with StepcaBackupStale's threshold and 'for' shortened, all else as shipped. Each
   * replaced literal must occur exactly once in that rule's block (from its "- alert:" line to
   * the next one), so the test fails when the real rule changes rather than testing something else.
   */
  static String withShortStaleRule(String alertsYml, long thresholdSeconds) {
    Matcher block = Pattern.compile("(?ms)^(\\s*)- alert: " + ALERT + "\\s*$.*?(?=^\\s*- alert: |\\z)").matcher(alertsYml);
    assertTrue(block.find(), "deploy/prometheus/alerts.yml has no rule " + ALERT);
    String rule = block.group();
    rule = replaceOnce(rule, "> " + THRESHOLD, "> " + thresholdSeconds);
    rule = replaceOnce(rule, "for: 10m", "for: " + FOR);
    return alertsYml.substring(0, block.start()) + rule + alertsYml.substring(block.end());
  }

  private static String replaceOnce(String rule, String literal, String with) {
    int at = rule.indexOf(literal);
    assertTrue(at >= 0 && rule.indexOf(literal, at + 1) < 0, "the " + ALERT + " rule in deploy/prometheus/alerts.yml"
        + " should hold '" + literal + "' exactly once (this test shortens it); update the test with the rule:\n" + rule);
    return rule.substring(0, at) + with + rule.substring(at + literal.length());
  }

  /** The result vector of an instant query. */
  private static JsonNode query(String api, String promql) throws Exception {
    JsonNode r = get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return r == null ? JSON.createArrayNode() : r.path("data").path("result");
  }

  /** The active alerts (pending or firing) of one rule. */
  private static List<JsonNode> alerts(String api, String name) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    JsonNode r = get(api + "/api/v1/alerts");
    if (r != null) {
      r.path("data").path("alerts").forEach(a -> {
        if (name.equals(a.path("labels").path("alertname").asText())) {
          out.add(a);
        }
      });
    }
    return out;
  }

  /** The rule as Prometheus last evaluated it (state, health, lastEvaluation), or null. */
  private static JsonNode rule(String api, String name) throws Exception {
    JsonNode r = get(api + "/api/v1/rules?type=alert");
    if (r != null) {
      for (JsonNode g : r.path("data").path("groups")) {
        for (JsonNode rule : g.path("rules")) {
          if (name.equals(rule.path("name").asText())) {
            return rule;
          }
        }
      }
    }
    return null;
  }

  /** The API's answer, or null while Prometheus is not listening yet. */
  private static JsonNode get(String url) throws Exception {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return null;
      }
      JsonNode body = JSON.readTree(r.body());
      assertEquals("success", body.path("status").asText(), url + ": " + r.body());
      return body;
    } catch (java.io.IOException notYet) {
      return null;
    }
  }

  interface Probe {
    JsonNode get() throws Exception;
  }

  /** Polls twice a second until the probe answers, at most {@code seconds}; the failure shows Prometheus' log. */
  private static JsonNode await(long seconds, Path log, String what, Probe probe) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      JsonNode got = probe.get();
      if (got != null) {
        return got;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + what + " within " + seconds + " s; Prometheus log:\n"
        + (Files.exists(log) ? Files.readString(log) : ""));
  }



  private static void stop(Process p) throws InterruptedException {
    if (p != null) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
