package io.stepcarecovery.drill;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Diagnoses;
import io.stepcarecovery.checklist.LogScanner;
import io.stepcarecovery.checklist.SandboxChecks;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.DrillConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lock.ProcessIdentity;
import io.stepcarecovery.probe.HttpsClients;
import io.stepcarecovery.restore.RestorePlan;
import io.stepcarecovery.restore.RestoreTargets;
import io.stepcarecovery.restore.SandboxExtract;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.store.DrillRecords;
import io.stepcarecovery.store.StoreException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore drills on the drill host. Everything a drill makes lives under
 * {@code <drill dir>/<drillId>} and {@code <drill dir>/<drillId>.marker.json}, and every
 * process, unit or container it starts is named after the drill; nothing of the production CA is
 * stopped, written or bound (its port is never picked).
 */
public class DrillActivitiesImpl implements DrillActivities {
  private static final Logger log = LoggerFactory.getLogger(DrillActivitiesImpl.class);
  static final Pattern DRILL_ID = Pattern.compile("drill-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}");
  static final String RUNNING = "Step-CA running";
  static final String NO_STARTUP_ERRORS = "No startup errors";
  static final String ROOT_RECORDED = "Root fingerprint as recorded";
  /** The drills this worker process has in flight: never another drill's leftovers. */
  private static final Set<String> ACTIVE = ConcurrentHashMap.newKeySet();

  private final StepcaRecoveryConfig config;
  private final io.stepcarecovery.metrics.RunbookMetrics metrics;

  public DrillActivitiesImpl(StepcaRecoveryConfig config) {
    this(config, io.stepcarecovery.metrics.RunbookMetrics.unexported());
  }

  public DrillActivitiesImpl(StepcaRecoveryConfig config, io.stepcarecovery.metrics.RunbookMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public String drillHost(String ca) {
    return ActivityErrors.run(() -> config.ca(ca).drillHost());
  }

  private DrillConfig drillConfig(CaConfig c) {
    if (c.drill() == null) {
      throw new ConfigException("CA '" + c.name() + "' has no drill section in " + config.source()
          + ": add e.g. drill: {command: /usr/bin/step-ca, passwordFile: /etc/step-ca/password.txt}"
          + " (the binary and the key password file production starts with)");
    }
    return c.drill();
  }

  /** The drill directory, made private to this user, and never inside the CA's own paths. */
  private Path drillDir(CaConfig c) throws IOException {
    Path dir = DrillConfig.dirOf(c.drill(), config.lockDirOrDefault()).toAbsolutePath().normalize();
    if (RestoreTargets.of(c, null).permits(List.of(dir))) {
      throw new ConfigException("drill.dir " + dir + " lies inside CA '" + c.name() + "''s own paths"
          + " (STEPPATH " + StepPath.of(c.caConfig()) + " or what its ca.json names): a drill never writes"
          + " there; name a directory elsewhere");
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    Path real = dir.toRealPath();
    if (!real.equals(dir) && RestoreTargets.of(c, null).permits(List.of(real))) {
      throw new ConfigException("drill.dir " + dir + " leads to " + real + ", inside CA '" + c.name()
          + "''s own paths: a drill never writes there; name a directory elsewhere");
    }
    return real;
  }

  @Override
  public Sandbox prepare(String ca, String backup, String from, String drillId) {
    return ActivityErrors.run(() -> {
      if (!DRILL_ID.matcher(drillId).matches()) {
        throw new ConfigException("not a drill id: " + drillId);
      }
      CaConfig c = config.ca(ca);
      DrillConfig d = drillConfig(c);
      Path drillDir = drillDir(c);
      ACTIVE.add(drillId);
      List<String> cleaned = removeLeftovers(c, drillDir, drillId);
      Path dir = drillDir.resolve(drillId);
      try {
        // A retry starts over: what an earlier attempt extracted is not trusted.
        removeSandbox(c, drillDir, drillId);
        int port = freePort(c);
        String backend = d.backendOrDefault();
        SandboxMarker marker = new SandboxMarker(drillId, ca, backend, port, null, null,
            ProcessHandle.current().pid(), ProcessIdentity.self().startTime(), SystemdSandbox.unitOf(drillId),
            DockerSandbox.containerOf(drillId), d.dockerHost());
        marker.write(drillDir); // before anything exists: a drill killed from here on is found
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path fs = dir.resolve("fs");
        RestorePlan plan;
        try {
          plan = SandboxExtract.extract(c, ca, backup, fs);
        } catch (StoreException e) {
          throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "NoSuchBackup");
        }
        Path caJson = SandboxExtract.mirrored(fs.toRealPath(), c.caConfig().toString());
        String database = null;
        if (plan.databaseDump() != null) {
          database = SandboxDatabase.load(fs.toRealPath(), caJson, plan, drillId, name -> {
            // named in the marker before it is made: a drill killed from here on is dropped by the next
            marker.withDatabase(name).write(drillDir);
          });
        }
        SandboxCaJson.rewrite(caJson, fs.toRealPath(), plan.roots(), port, database);
        log.info("drill {}: backup {} of CA {} extracted into {} ({} entries), serving on 127.0.0.1:{}",
            drillId, plan.backupId(), ca, dir, plan.files(), port);
        return new Sandbox(drillId, plan.backupId(), from == null ? "local" : from, dir.toString(),
            caJson.toString(), "https://127.0.0.1:" + port, plan.rootFingerprint(), plan.files(), plan.bytes(),
            cleaned);
      } catch (Exception e) {
        removeSandbox(c, drillDir, drillId);
        ACTIVE.remove(drillId);
        throw e;
      }
    });
  }

  @Override
  public SandboxStart start(String ca, Sandbox sandbox) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      DrillConfig d = drillConfig(c);
      Path drillDir = drillDir(c);
      Path dir = drillDir.resolve(sandbox.drillId());
      SandboxMarker marker = SandboxMarker.read(drillDir, sandbox.drillId()).orElseThrow(() ->
          ApplicationFailure.newNonRetryableFailure("sandbox " + sandbox.drillId() + " is gone from " + drillDir
              + " (removed by another drill?)", "SandboxGone"));
      SandboxBackend backend = SandboxBackend.of(marker.backend(), d);
      if (backend.running(marker)) {
        backend.stop(marker); // a retried start: the earlier attempt's process goes first
      }
      Path caJson = Path.of(sandbox.caJson());
      Path stepPath = SandboxExtract.mirrored(dir.resolve("fs").toRealPath(), StepPath.of(c.caConfig()).toString());
      SandboxBackend.Launch launch = new SandboxBackend.Launch(dir, caJson, stepPath, d.passwordFile(),
          dir.resolve("step-ca.log"));
      marker = backend.start(marker, launch);
      marker.write(drillDir);
      String healthUrl = sandbox.url() + "/health";
      OkHttpClient http = HttpsClients.trusting(c.rootCert(), Duration.ofSeconds(2));
      long deadline = System.nanoTime() + Duration.ofSeconds(d.startTimeoutOrDefault()).toNanos();
      LongConsumer beat = Heartbeat.of("waiting for the sandbox at " + healthUrl);
      String last = "no answer yet";
      for (int attempt = 1; ; attempt++) {
        try (Response r = http.newCall(new Request.Builder().url(healthUrl).build()).execute()) {
          String body = r.body() == null ? "" : r.body().string();
          if (r.code() == 200 && body.replace(" ", "").contains("\"status\":\"ok\"")) {
            long at = System.currentTimeMillis();
            return new SandboxStart(true, at, marker.backend(), startedItems(c, backend, marker, dir, stepPath,
                "answered " + healthUrl + " (" + describe(marker) + ")"));
          }
          last = "HTTP " + r.code() + " " + body.strip();
        } catch (IOException e) {
          last = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        boolean exited = !backend.running(marker);
        if (exited || System.nanoTime() > deadline) {
          String state = exited ? "the sandbox step-ca exited (" + describe(marker) + ")"
              : "no answer from " + healthUrl + " within " + d.startTimeoutOrDefault() + " s; last: " + last;
          return new SandboxStart(false, 0, marker.backend(), failedItems(c, backend, marker, dir, stepPath, state));
        }
        beat.accept(attempt);
        Thread.sleep(attempt <= 100 ? 50 : 250);
      }
    });
  }

  private static String describe(SandboxMarker m) {
    return switch (m.backend()) {
      case DrillConfig.SYSTEMD -> "unit " + m.unit();
      case DrillConfig.DOCKER -> "container " + m.container();
      default -> "pid " + m.pid();
    };
  }

  private List<ChecklistItem> startedItems(CaConfig c, SandboxBackend backend, SandboxMarker m, Path dir,
      Path stepPath, String detail) {
    List<String> lines = backend.logLines(m, dir, 200);
    LogScanner.Finding f = SandboxChecks.startFailure(lines, c, stepPath, "127.0.0.1:" + m.port());
    List<ChecklistItem> items = new ArrayList<>();
    items.add(ChecklistItem.passed(ChecklistItem.SERVICE_STATUS, RUNNING, "sandbox step-ca " + detail));
    items.add(f == null ? ChecklistItem.passed(ChecklistItem.SERVICE_STATUS, NO_STARTUP_ERRORS,
            "no errors in " + lines.size() + " line(s) of the sandbox's log")
        : ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, NO_STARTUP_ERRORS, f.quotedLine(),
            f.diagnosis().diagnosis(), f.diagnosis().action()));
    return items;
  }

  private List<ChecklistItem> failedItems(CaConfig c, SandboxBackend backend, SandboxMarker m, Path dir,
      Path stepPath, String state) {
    List<String> lines = backend.logLines(m, dir, 200);
    LogScanner.Finding f = SandboxChecks.startFailure(lines, c, stepPath, "127.0.0.1:" + m.port());
    Diagnoses.Diagnosis d = f != null && f.known() ? f.diagnosis() : Diagnoses.notRunning();
    List<ChecklistItem> items = new ArrayList<>();
    items.add(ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, RUNNING,
        state + (f == null ? "" : "; log: " + f.quotedLine()), d.diagnosis(), d.action()));
    if (f != null) {
      items.add(ChecklistItem.failed(ChecklistItem.SERVICE_STATUS, NO_STARTUP_ERRORS, f.quotedLine(),
          f.diagnosis().diagnosis(), f.diagnosis().action()));
    } else {
      items.add(ChecklistItem.skipped(ChecklistItem.SERVICE_STATUS, NO_STARTUP_ERRORS,
          lines.isEmpty() ? "the sandbox wrote no log" : "no error line in " + lines.size() + " line(s)"));
    }
    return items;
  }

  @Override
  public SandboxCheck check(String ca, Sandbox sandbox) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      CaConfig s = new CaConfig(c.name(), c.host(), Path.of(sandbox.caJson()), sandbox.url(), c.rootCert(),
          c.service(), c.owner(), c.acme(), c.issuance(), c.backups(), c.drill());
      List<ChecklistItem> items = new ArrayList<>();
      items.add(rootAsRecorded(c, sandbox));
      items.addAll(SandboxChecks.trust(s));
      long issuedAt = 0;
      if (c.issuance() == null) {
        items.add(ChecklistItem.skipped(ChecklistItem.TRUST, "Certificate issuance functional",
            "no issuance section configured for CA " + ca));
      } else {
        ChecklistItem issued;
        try {
          issued = SandboxChecks.issuance(s);
        } catch (Exception e) {
          issued = ChecklistItem.failed(ChecklistItem.TRUST, "Certificate issuance functional",
              "the test issuance could not run: " + e.getMessage(), "The check itself failed",
              "Read the message; fix the config");
        }
        if (!issued.isFailed()) {
          issuedAt = System.currentTimeMillis();
        }
        items.add(issued);
      }
      if (c.acme() == null) {
        items.add(ChecklistItem.skipped(ChecklistItem.SERVICE_STATUS, "ACME endpoint reachable",
            "no acme section configured for CA " + ca));
      } else {
        items.add(SandboxChecks.acme(s));
      }
      return new SandboxCheck(List.copyOf(items), issuedAt);
    });
  }

  /** The root the sandbox serves from is the one the backup's verified manifest recorded. */
  private static ChecklistItem rootAsRecorded(CaConfig c, Sandbox sandbox) {
    try {
      String fp = Fingerprints.ofFile(CaJson.read(Path.of(sandbox.caJson())).root());
      String anchor = Fingerprints.ofFile(c.rootCert());
      if (fp.equals(sandbox.rootFingerprint()) && fp.equals(anchor)) {
        return ChecklistItem.passed(ChecklistItem.TRUST, ROOT_RECORDED, fp + " (recorded in the backup's"
            + " manifest; the configured trust anchor)");
      }
      Diagnoses.Diagnosis d = Diagnoses.wrongDataDirectory(fp, anchor);
      return ChecklistItem.failed(ChecklistItem.TRUST, ROOT_RECORDED, "restored root " + fp + ", recorded "
          + sandbox.rootFingerprint() + ", trust anchor " + anchor, d.diagnosis(), d.action());
    } catch (RuntimeException e) {
      Diagnoses.Diagnosis d = Diagnoses.missingFile();
      return ChecklistItem.failed(ChecklistItem.TRUST, ROOT_RECORDED, "cannot read the restored root: "
          + e.getMessage(), d.diagnosis(), d.action());
    }
  }

  @Override
  public void remove(String ca, String drillId) {
    ActivityErrors.runVoid(() -> {
      if (!DRILL_ID.matcher(drillId).matches()) {
        throw new ConfigException("not a drill id: " + drillId);
      }
      CaConfig c = config.ca(ca);
      drillConfig(c);
      removeSandbox(c, drillDir(c), drillId);
      ACTIVE.remove(drillId);
    });
  }

  @Override
  public void record(String ca, DrillRecord record) {
    ActivityErrors.runVoid(() -> {
      CaConfig c = config.ca(ca);
      BackupStore store = new BackupStore(c.backups().store(), ca);
      if (store.list().stream().noneMatch(b -> b.backupId().equals(record.backupId()))) {
        throw ApplicationFailure.newNonRetryableFailure("backup " + record.backupId() + " is not in the store "
            + store.dir() + " (forgotten meanwhile?); the drill is not recorded", "NoSuchBackup");
      }
      DrillRecords.write(store, record);
      metrics.drillRecorded(ca, record);
    });
  }

  /**
   * Stops what the sandbox's marker names, then removes its directory and the marker (in that
   * order: a marker outlives its sandbox, never the other way round).
   */
  private void removeSandbox(CaConfig c, Path drillDir, String drillId) throws IOException {
    SandboxMarker marker = SandboxMarker.read(drillDir, drillId).orElse(null);
    if (marker != null) {
      SandboxBackend.of(marker.backend(), c.drill()).stop(marker);
      if (marker.database() != null) {
        // before the sandbox's files: its ca.json says where the database server is
        SandboxDatabase.drop(c, drillDir.resolve(drillId), drillId, marker.database());
      }
    }
    deleteTree(drillDir.resolve(drillId));
    Files.deleteIfExists(SandboxMarker.file(drillDir, drillId));
    Files.deleteIfExists(drillDir.resolve(drillId + SandboxMarker.SUFFIX + ".tmp"));
  }

  /**
   * Sandboxes earlier drills left (a worker killed mid-drill): every drill directory or marker
   * in the drill directory that no live drill owns. A drill of another live worker process is
   * left alone; one of this process counts as live only while it is in flight here.
   */
  private List<String> removeLeftovers(CaConfig c, Path drillDir, String current) throws IOException {
    Set<String> ids = new java.util.TreeSet<>();
    try (Stream<Path> s = Files.list(drillDir)) {
      s.map(p -> p.getFileName().toString())
          .map(n -> n.endsWith(SandboxMarker.SUFFIX) ? n.substring(0, n.length() - SandboxMarker.SUFFIX.length()) : n)
          .filter(n -> DRILL_ID.matcher(n).matches())
          .forEach(ids::add);
    }
    List<String> removed = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    for (String id : ids) {
      if (id.equals(current) || ACTIVE.contains(id)) {
        continue;
      }
      SandboxMarker m = SandboxMarker.read(drillDir, id).orElse(null);
      if (m != null && m.workerPid() != self && new ProcessIdentity(m.workerPid(), m.workerStart()).alive()) {
        continue; // another worker's drill, in flight
      }
      if (m != null && !m.ca().equals(c.name())) {
        continue; // another CA's drill: its own next drill cleans it (with its own config)
      }
      log.warn("drill: removing sandbox {} left by an earlier drill ({})", id,
          m == null ? "no marker" : m.backend() + ", port " + m.port() + (m.pid() == null ? "" : ", pid " + m.pid()));
      removeSandbox(c, drillDir, id);
      removed.add(id);
    }
    return removed;
  }

  private static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A free loopback port, never the production CA's (it may be down right now). */
  static int freePort(CaConfig c) throws IOException {
    Set<Integer> production = new java.util.HashSet<>();
    try {
      production.add(URI.create(c.url()).getPort());
    } catch (RuntimeException ignored) {
      // no port to avoid
    }
    try {
      String address = CaJson.read(c.caConfig()).address();
      production.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
    } catch (RuntimeException unreadable) {
      // the URL's port is still avoided
    }
    for (int i = 0; i < 20; i++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (!production.contains(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
    throw new IOException("no free loopback port found");
  }
}
