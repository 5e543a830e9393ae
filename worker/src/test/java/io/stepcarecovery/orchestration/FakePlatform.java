package io.stepcarecovery.orchestration;

import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.ArchiveReport;
import io.stepcarecovery.backup.BackupActivities;
import io.stepcarecovery.backup.BackupPlan;
import io.stepcarecovery.backup.BackupWorkflowImpl;
import io.stepcarecovery.backup.PruneReport;
import io.stepcarecovery.backup.SnapshotReport;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.ca.CaServiceActivities;
import io.stepcarecovery.ca.LockReport;
import io.stepcarecovery.ca.ServiceStatus;
import io.stepcarecovery.ca.StartReport;
import io.stepcarecovery.ca.StopReport;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.HostCheckActivities;
import io.stepcarecovery.checklist.ValidationActivities;
import io.stepcarecovery.ingress.IngressActivities;
import io.stepcarecovery.probe.HealthReport;
import io.stepcarecovery.probe.Platform;
import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.recovery.RecoveryWorkflowImpl;
import io.stepcarecovery.restore.RestoreActivities;
import io.stepcarecovery.restore.RestorePlan;
import io.stepcarecovery.restore.RestoreWorkflowImpl;
import io.stepcarecovery.restore.SwapReport;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A CA host and its clients in memory, for the orchestration alone: which step runs when, what
 * is compensated, when a rollback happens. Each activity notes its call in {@link #calls}, and
 * the CA's state (running, which data is live) is tracked so a test can ask how a run left it.
 * The real activities are tested on the real lab; this stands in for them only to make the
 * workflows' decisions fast to test without a lab (Temporal is its own test server).
 */
final class FakePlatform implements ProbeActivities, CaServiceActivities, RestoreActivities,
    HostCheckActivities, ValidationActivities, IngressActivities, BackupActivities {
  static final String CA = "main";
  static final String HOST = "ca1";
  static final String ROOT = "/srv/step";
  /** When the certificate each fake service serves expires. */
  static final java.time.Instant SERVED_EXPIRY = java.time.Instant.parse("2030-01-01T00:00:00Z");

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  /** Activity names that fail, non-retryably, every time they are called. */
  final Set<String> failing = Collections.synchronizedSet(new HashSet<>());
  /** Checklist items (by name) that report failed. */
  final Set<String> failingChecks = Collections.synchronizedSet(new HashSet<>());
  volatile boolean running = true;
  /** "live", "backup" or "none": what serves at ROOT. */
  volatile String live = "live";
  volatile String lockedBy;

  static TestWorkflowEnvironment environment(FakePlatform fake) {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(true).build());
    Worker shared = env.newWorker(TaskQueues.SHARED);
    shared.registerWorkflowImplementationTypes(RestoreWorkflowImpl.class, RecoveryWorkflowImpl.class,
        BackupWorkflowImpl.class);
    shared.registerActivitiesImplementations(fake);
    env.newWorker(TaskQueues.forHost(HOST)).registerActivitiesImplementations(fake);
    env.start();
    return env;
  }

  private void call(String name) {
    calls.add(name);
    if (failing.contains(name)) {
      throw ApplicationFailure.newNonRetryableFailure(name + " failed (fake)", "Fake");
    }
  }

  // ---------------------------------------------------------------- probe (shared)

  @Override
  public CaDescription describe(String ca) {
    return new CaDescription(ca, HOST, "https://ca.internal:9000", "systemd");
  }

  @Override
  public Platform describePlatform(String ca) {
    return new Platform(describe(ca), List.of(new Platform.Ingress("traefik", HOST, true)), List.of("https://app.internal"));
  }

  /** Whether the fake CA answers /health and new-nonce: it runs and has data. */
  @Override
  public io.stepcarecovery.probe.CurrentHealth currentHealth(String ca, boolean askNonce) {
    call("currentHealth");
    boolean healthy = running && !live.equals("none");
    return new io.stepcarecovery.probe.CurrentHealth(healthy, healthy ? "serving (fake)" : "down (fake)");
  }

  /** The worker's view; a test sets {@link #view} to make it differ from the request's. */
  volatile io.stepcarecovery.ca.CaView view = new io.stepcarecovery.ca.CaView(CA, "/srv/step/config/ca.json",
      "https://ca.internal:9000", "/backups");

  @Override
  public io.stepcarecovery.ca.CaView view(String ca) {
    call("view");
    return view;
  }

  @Override
  public HealthReport awaitHealthy(String ca, int timeoutSeconds) {
    call("awaitHealthy");
    if (!running || live.equals("none")) {
      throw ApplicationFailure.newFailure("CA not healthy (fake)", "Fake");
    }
    return new HealthReport("https://ca.internal:9000/health", System.currentTimeMillis(), 1);
  }

  // ---------------------------------------------------------------- CA host

  @Override
  public ServiceStatus caStatus(String ca) {
    return new ServiceStatus(running, running ? "running" : "stopped");
  }

  @Override
  public StopReport stopCa(String ca) {
    call("stopCa");
    boolean was = running;
    running = false;
    return new StopReport(was, System.currentTimeMillis(), System.currentTimeMillis());
  }

  @Override
  public StartReport startCa(String ca) {
    call("startCa");
    boolean was = running;
    running = true;
    return new StartReport(was, System.currentTimeMillis());
  }

  @Override
  public LockReport lockCa(String ca, String owner) {
    call("lockCa");
    lockedBy = owner;
    return new LockReport("/run/stepca-recovery/" + ca + ".lock", null);
  }

  @Override
  public void unlockCa(String ca, String owner) {
    call("unlockCa");
    if (owner.equals(lockedBy)) {
      lockedBy = null;
    }
  }

  private static RestorePlan plan(String backup) {
    return new RestorePlan(backup.equals("latest") ? "b1" : backup, "/backups/main/b1.tar.gz", "ef".repeat(32), "2026-11-28T00:00:00Z",
        "badgerv2", "ab".repeat(32), List.of(ROOT), 10, 100);
  }

  @Override
  public RestorePlan verifyBackup(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths) {
    call("verifyBackup");
    return plan(backup);
  }

  @Override
  public void stage(String ca, RestorePlan plan, String tag) {
    call("stage");
  }

  @Override
  public RestorePlan verifyAndStage(String ca, String backup, boolean allowForeignRoot, List<String> allowPaths,
      String tag) {
    call("verifyAndStage");
    return plan(backup);
  }

  @Override
  public void discardStagingOf(String ca, String backup, String tag) {
    call("discardStagingOf");
  }

  @Override
  public SwapReport swapIn(String ca, RestorePlan plan, String tag) {
    call("swapIn");
    live = "backup";
    return new SwapReport(List.of(ROOT + ".pre-restore-" + tag), List.of(ROOT));
  }

  @Override
  public SwapReport swapBack(String ca, RestorePlan plan, String tag) {
    call("swapBack");
    live = "live";
    return new SwapReport(List.of(ROOT + ".failed-restore-" + tag), List.of(ROOT));
  }

  @Override
  public void discardStaging(String ca, RestorePlan plan, String tag) {
    call("discardStaging");
  }

  // ---------------------------------------------------------------- backup

  @Override
  public BackupPlan preflight(String ca, boolean configOnly) {
    call("preflight");
    return new BackupPlan(ROOT + "/config/ca.json", ROOT, List.of(ROOT), "badgerv2", 100, "ab".repeat(32), "cd".repeat(32));
  }

  @Override
  public SnapshotReport snapshot(String ca, String backupId, BackupPlan plan) {
    call("snapshot");
    if (running) {
      throw new IllegalStateException("snapshot of a running CA: badger is not safe to copy while it runs");
    }
    return new SnapshotReport("/backups/main/.work/" + backupId, 10, 100, 5);
  }

  @Override
  public ArchiveReport archive(String ca, String backupId, String reason, String createdAt, BackupPlan plan) {
    call("archive");
    return new ArchiveReport("/backups/main/.work/" + backupId + "/a.partial", "ef".repeat(32), 50, 10, 5, null);
  }

  @Override
  public StoredBackup publish(String ca, String backupId, ArchiveReport archive, Long caDowntimeMillis) {
    call("publish");
    return new StoredBackup(backupId, ca, backupId + ".tar.gz", "ef".repeat(32), 50, "2026-11-29T00:00:00Z", "test",
        "badgerv2", "ab".repeat(32), "cd".repeat(32), List.of(ROOT), null);
  }

  @Override
  public PruneReport prune(String ca, String justMade) {
    call("prune");
    return new PruneReport(1, List.of());
  }

  @Override
  public void discardWork(String ca, String backupId) {
    call("discardWork");
  }

  // ---------------------------------------------------------------- checks

  private List<ChecklistItem> items(String group, String... names) {
    List<ChecklistItem> out = new ArrayList<>();
    for (String n : names) {
      out.add(failingChecks.contains(n) ? ChecklistItem.failed(group, n, "fake failure", "cause", "action")
          : ChecklistItem.passed(group, n, "fake pass"));
    }
    return out;
  }

  @Override
  public List<ChecklistItem> checkServiceStatus(String ca) {
    call("checkServiceStatus");
    return items(ChecklistItem.SERVICE_STATUS, "Step-CA running", "No startup errors");
  }

  @Override
  public List<ChecklistItem> checkAcme(String ca) {
    call("checkAcme");
    return items(ChecklistItem.SERVICE_STATUS, "ACME endpoint reachable");
  }

  @Override
  public List<ChecklistItem> checkTrust(String ca) {
    call("checkTrust");
    return items(ChecklistItem.TRUST, "Root CA trusted on clients", "Intermediate CA valid");
  }

  @Override
  public List<ChecklistItem> checkIssuance(String ca) {
    call("checkIssuance");
    return items(ChecklistItem.TRUST, "Certificate issuance functional");
  }

  @Override
  public List<ChecklistItem> checkService(String ca, String serviceUrl) {
    call("checkService");
    List<ChecklistItem> items = new ArrayList<>(items(ChecklistItem.PLATFORM, "Traefik certificates valid",
        "No browser TLS warnings", "Applications accessible"));
    // as ServiceCheck does: the certificate item says when the served certificate expires
    items.set(0, items.get(0).withExpiry(serviceUrl, SERVED_EXPIRY));
    return items;
  }

  @Override
  public String restartIngress(String ingress, boolean clearAcmeAccount) {
    call("restartIngress");
    return "restarted (fake)";
  }

  @Override
  public List<io.stepcarecovery.ingress.AcmeAccountCheck> checkAcmeAccounts(String ingress, String ca) {
    call("checkAcmeAccounts");
    return List.of(); // an acme.json Traefik has not written an account to yet
  }

  @Override
  public io.stepcarecovery.ingress.AcmeAccountsCleared clearAcmeAccounts(String ingress, List<String> accountUrls,
      boolean all) {
    call("clearAcmeAccounts");
    return new io.stepcarecovery.ingress.AcmeAccountsCleared(null, null, List.of());
  }

  @Override
  public io.stepcarecovery.ingress.ServedCertificate awaitNewCertificate(String ingress, String ca, long sinceMillis,
      List<String> previousSha256, int timeoutSeconds) {
    call("awaitNewCertificate");
    return new io.stepcarecovery.ingress.ServedCertificate(null, false, null, null, null, null, "fake");
  }
}
