package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.lab.LabCa;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As an operator would: a worker with --metrics, a backup on the lab, a scrape of /metrics that
 * promtool accepts and that holds the backup's samples labelled by CA; a restarted worker exports
 * the same last-backup time (from the store's records), so no staleness alert fires on a restart.
 */
@Tag("lab")
class MetricsCliIT {
  @TempDir Path tmp;

  @Test
  void aWorkerWithMetricsExportsTheBackupLabelledByCaAndKeepsItAcrossARestart() throws Exception {
    int port = DevServerIT.freePort();
    int metricsPort = DevServerIT.freePort();
    String temporal = "localhost:" + port;
    Process server = null;
    Process worker = null;
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      server = DevServerIT.start(tmp.resolve("server.log"), "dev-server", "--port", String.valueOf(port));
      Thread.sleep(3000);
      worker = DevServerIT.start(tmp.resolve("worker.log"), "worker", "--config", config, "--temporal", temporal,
          "--metrics", String.valueOf(metricsPort));
      // the probe's first round: the lab CA is up
      String before = Scrapes.awaitScrape(metricsPort, "stepca_ca_up{ca=\"lab\"} 1.0", tmp.resolve("worker.log"));
      assertTrue(before.contains("# TYPE temporal_"), "the SDK's own metrics are exported too:\n" + before);

      Cli.Run backup = Cli.run("backup", "--config", config, "--temporal", temporal);
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());

      String scrape = Scrapes.awaitScrape(metricsPort, "stepca_backups_total{ca=\"lab\"} 1.0", tmp.resolve("worker.log"));
      assertEquals("", promtoolCheckMetrics(scrape), "promtool check metrics");
      double last = Scrapes.sample(scrape, "stepca_backup_last_success_timestamp_seconds{ca=\"lab\"}").orElseThrow();
      assertTrue(Math.abs(last - System.currentTimeMillis() / 1000.0) < 600, "last success " + last);
      assertTrue(Scrapes.sample(scrape, "stepca_backup_archive_bytes{ca=\"lab\"}").orElseThrow() > 0, scrape);
      assertTrue(Scrapes.sample(scrape, "stepca_backup_duration_seconds{ca=\"lab\"}").orElseThrow() > 0, scrape);
      assertEquals(0.0, Scrapes.sample(scrape, "stepca_backup_failures_total{ca=\"lab\"}").orElse(0.0), scrape);
      double downtime = Scrapes.sample(scrape, "stepca_backup_ca_downtime_seconds{ca=\"lab\"}").orElseThrow();
      assertTrue(downtime > 0 && downtime < 120, "the lab CA was stopped for the backup: " + downtime);

      DevServerIT.stop(worker);
      worker = DevServerIT.start(tmp.resolve("worker2.log"), "worker", "--config", config, "--temporal", temporal,
          "--metrics", "127.0.0.1:" + metricsPort);
      String again = Scrapes.awaitScrape(metricsPort, "stepca_backup_last_success_timestamp_seconds{ca=\"lab\"}",
          tmp.resolve("worker2.log"));
      assertEquals(last, Scrapes.sample(again, "stepca_backup_last_success_timestamp_seconds{ca=\"lab\"}").orElseThrow(),
          "after a restart, from the store's record");
      assertEquals(downtime, Scrapes.sample(again, "stepca_backup_ca_downtime_seconds{ca=\"lab\"}").orElseThrow(),
          "the backup's CA downtime after a restart, from the store's record");
      assertTrue(!again.contains("stepca_backups_total{ca=\"lab\"}"), "counters start again at a restart");
    } finally {
      DevServerIT.stop(worker);
      DevServerIT.stop(server);
    }
  }



  private static String promtoolCheckMetrics(String scrape) throws Exception {
    Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue() == 0 ? "" : "rc " + p.exitValue() + ": " + out;
  }
}
