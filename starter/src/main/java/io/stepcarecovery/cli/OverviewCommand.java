package io.stepcarecovery.cli;

import io.stepcarecovery.checklist.PresentedCertificates;
import io.stepcarecovery.checklist.PresentedCertificates.Served;
import io.stepcarecovery.config.AlertThresholds;
import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.overview.CaOverview;
import io.stepcarecovery.overview.OverviewAlerts;
import io.stepcarecovery.overview.OverviewProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Every configured CA at a glance, for a person and for cron. It reads only (a GET /health, the
 * stores, the drill records, TLS handshakes) and needs no Temporal service: it must answer when
 * things are broken, Temporal included, and it starts nothing that could change a CA.
 */
@Command(name = "overview", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "One line per configured CA: health (a live GET /health), last backup (its age and the stores"
            + " that hold it: local store and off-host copies), last drill (ok or FAILED, its RTO), the"
            + " intermediate's expiry, and the service certificate that expires first. Under each CA,"
            + " marked !, whatever is alerting: CA down, the TLS countdown (CA down and a service"
            + " certificate expiring within the tlsCountdown threshold), backup missing or stale, the newest"
            + " backup missing from an off-host store, drill failing or stale, intermediate expiring.",
        "The thresholds are the config's alerts section, by default the values of"
            + " deploy/prometheus/alerts.yml: keep the two the same.",
        "Reads only and needs no Temporal service (like backups): run it from cron or CI on a host"
            + " that sees the stores (a CA host, or anywhere for the off-host copies)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing alerting", "1:something is alerting (the lines marked !)",
        "2:usage or config error"})
final class OverviewCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The config file (YAML). Default: $STEPCA_RECOVERY_CONFIG or /etc/stepca-recovery/config.yaml")
  Path config;

  @Option(names = "--ca", paramLabel = "NAME", description = "Only this CA (repeatable; default: every CA configured).")
  List<String> only;

  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    StepcaRecoveryConfig cfg = ConfigLoader.load(config != null ? config : ConfigLoader.defaultLocation());
    List<CaConfig> cas = only == null ? cfg.cas() : only.stream().map(cfg::ca).toList();
    AlertThresholds thresholds = cfg.alertsOrDefault();
    List<Served> services = PresentedCertificates.services(cfg);
    Instant now = Instant.now();
    List<OverviewTable.Row> rows = new ArrayList<>();
    // Each CA at once: a CA behind a dropped route costs its probes' timeouts, not the others' too.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, cas.size())));
    try {
      List<Future<CaOverview>> probes = new ArrayList<>();
      for (CaConfig c : cas) {
        probes.add(pool.submit(() -> OverviewProbe.of(c, services, now)));
      }
      for (Future<CaOverview> f : probes) {
        CaOverview o = f.get();
        rows.add(new OverviewTable.Row(o, OverviewAlerts.of(o, thresholds, now)));
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    // a service whose certificate leads to no configured CA belongs to no row; say so once
    List<Served> unattributed = only != null ? List.of() : services.stream().filter(s -> s.ca() == null).toList();
    boolean alerting = rows.stream().anyMatch(r -> !r.alerts().isEmpty());
    if (json) {
      Output.json(spec.commandLine(), OverviewJson.of(rows, unattributed, thresholds, now));
    } else {
      PrintWriter out = spec.commandLine().getOut();
      // fit a terminal; a pipe or a cron mail gets every character
      int width = System.console() != null ? TerminalSize.ask().columns() : OverviewTable.UNLIMITED;
      OverviewTable.lines(rows, unattributed, now, width).forEach(out::println);
      out.flush();
    }
    return alerting ? Main.FAILED : Main.OK;
  }
}
