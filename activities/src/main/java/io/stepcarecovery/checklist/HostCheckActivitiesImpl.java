package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.SERVICE_STATUS;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.service.ServiceControl;
import io.stepcarecovery.service.ServiceControls;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * "Step-CA running" and "No startup errors", checked on the CA host; for a CA on MySQL also "CA
 * database reachable" ({@link DatabaseCheck}): ca.json, which holds the database password, is read
 * only here.
 */
public class HostCheckActivitiesImpl implements HostCheckActivities {
  static final String RUNNING = "Step-CA running";
  static final String NO_STARTUP_ERRORS = "No startup errors";
  static final int LOG_LINES = 200;

  private final StepcaRecoveryConfig config;

  public HostCheckActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  @Override
  public List<ChecklistItem> checkServiceStatus(String ca) {
    return ActivityErrors.run(() -> check(config.ca(ca)));
  }

  List<ChecklistItem> check(CaConfig c) {
    ServiceControl service = ServiceControls.of(c.name(), c.service());
    List<ChecklistItem> items = new ArrayList<>();

    Boolean running;
    String state;
    try {
      running = service.isRunning();
      state = service.describeState();
    } catch (RuntimeException e) {
      running = null;
      state = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    }

    List<String> lines;
    String logProblem = null;
    try {
      lines = service.recentLogLines(LOG_LINES);
    } catch (RuntimeException e) {
      lines = List.of();
      logProblem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    }
    LogScanner.Result scan = LogScanner.scan(lines, new LogScanner.Context(c.owner(),
        c.caConfig() == null ? null : StepPath.of(c.caConfig()), address(c.url())));
    LogScanner.Finding decisive = scan.decisive();

    if (running == null) {
      Diagnosis d = Diagnoses.serviceControlBroken(state);
      items.add(ChecklistItem.failed(SERVICE_STATUS, RUNNING, "state unknown (" + c.service().type() + ")",
          d.diagnosis(), d.action()));
    } else if (running) {
      items.add(ChecklistItem.passed(SERVICE_STATUS, RUNNING, state));
    } else {
      // Not running: the log says why, when it does.
      Diagnosis d = decisive != null && decisive.known() ? decisive.diagnosis() : Diagnoses.notRunning();
      items.add(ChecklistItem.failed(SERVICE_STATUS, RUNNING, state, d.diagnosis(), d.action()));
    }

    String window = scan.sinceStart() ? scan.scanned() + " log line(s) since the last start"
        : scan.scanned() + " recent log line(s) (no start marker found)";
    if (lines.isEmpty()) {
      items.add(ChecklistItem.skipped(SERVICE_STATUS, NO_STARTUP_ERRORS,
          logProblem != null ? "cannot read the CA log: " + logProblem : "no log lines available for the "
              + c.service().type() + " service"));
    } else if (decisive == null) {
      items.add(ChecklistItem.passed(SERVICE_STATUS, NO_STARTUP_ERRORS, "no errors in " + window));
    } else {
      long count = scan.findings().size();
      items.add(ChecklistItem.failed(SERVICE_STATUS, NO_STARTUP_ERRORS,
          count + " error line(s) in " + window + "; " + (decisive.known() ? "known failure" : "latest")
              + ": " + decisive.quotedLine(),
          decisive.diagnosis().diagnosis(), decisive.diagnosis().action()));
    }
    DatabaseCheck.check(c).ifPresent(items::add);
    return List.copyOf(items);
  }

  private static String address(String url) {
    try {
      URI u = URI.create(url);
      return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
