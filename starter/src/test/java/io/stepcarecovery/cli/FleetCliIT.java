package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.lab.LabCa;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet as issue 16 has it: two CAs in one config on two hosts — a command-backend lab CA on
 * host {@code cmd-host} and a CA run by systemd in its own host (lab/up --systemd) on host
 * {@code systemd-host} — a worker per host started {@code --hosts-only} (the systemd host's is the
 * deploy/systemd unit, installed there as the README's "Fleet" says) and one shared worker
 * ({@code --shared-only}) for the workflows. {@code backup --all} backs up both; the histories
 * show every host step on its host's queue, taken by that host's worker and no other; each host
 * worker's /metrics carries the last-success time of its own CA's backup, and the shared worker's
 * none. With one host's worker gone, {@code backup --all} backs up the other CA and exits 1
 * naming the one it could not.
 *
 * <p>One test, the expensive one: each part is a method so that one more check (overview,
 * alerts) is one more call in {@link #theFleet}.
 */
@Tag("lab")
class FleetCliIT {
  static final String CMD = "lab-cmd";
  static final String CMD_HOST = "cmd-host";
  static final String SYSTEMD = "lab-systemd";
  static final String SYSTEMD_HOST = "systemd-host";

  @TempDir Path tmp;
  private final long t0 = System.nanoTime();

  /** The expensive test's cost, part by part, in the failsafe output. */
  private void lap(String what) {
    System.out.printf("FleetCliIT: %s at %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * A worker of the fleet: its process and log (null: the systemd host's unit, whose log is the
   * journal), the start of its Temporal identity, its metrics port.
   */
  record Worker(String name, Process process, Path log, String identity, int metricsPort) {}

  @Test
  void backupAllBacksUpEachCaOnItsOwnHostsWorker() throws Exception {
    // Not under /tmp: the worker unit has PrivateTmp=, where the lab's bind mounts would be hidden.
    Path work = Files.createTempDirectory(Files.createDirectories(LabCa.repo().resolve("starter/target")), "fleet-");
    Path systemdDir = work.resolve("systemd");
    List<Worker> workers = new ArrayList<>();
    // The systemd host boots (~20 s) while the workers here start: its dev-server, the fleet's
    // Temporal, listens early in its lab/up. Its worker is ours (below), not the lab's.
    ExecutorService booting = Executors.newSingleThreadExecutor();
    Future<SystemdHost> systemdUp = booting.submit(() -> SystemdHost.upWithoutWorker(systemdDir));
    SystemdHost systemd = null;
    try (LabCa cmd = LabCa.up(tmp.resolve("cmd"))) {
      String temporal = awaitDevServer(systemdDir, systemdUp);
      lap("dev-server up");
      Path config = fleetConfig(work.resolve("fleet.yaml"), temporal, cmd, systemdDir.resolve("config.yaml"));
      Worker onCmdHost = worker(work, "cmd-host", config, "--hosts-only", "--host", CMD_HOST);
      workers.add(onCmdHost);
      Worker shared = worker(work, "shared", config, "--shared-only");
      workers.add(shared);
      systemd = systemdUp.get(300, TimeUnit.SECONDS);
      lap("systemd host up");
      Worker onSystemdHost = systemdHostWorker(systemd, config, DevServerIT.freePort());
      workers.add(onSystemdHost);
      // the host workers poll their host's queue alone, the shared one the shared queue alone
      awaitPolling(onSystemdHost, systemd, "worker polling [" + TaskQueues.forHost(SYSTEMD_HOST) + "]");
      awaitPolling(onCmdHost, systemd, "worker polling [" + TaskQueues.forHost(CMD_HOST) + "]");
      awaitPolling(shared, systemd, "worker polling " + TaskQueues.SHARED + " and []");

      lap("workers polling");
      long before = System.currentTimeMillis() / 1000;
      Cli.Run all = Cli.run("backup", "--all", "--json", "--config", config.toString());
      assertEquals(0, all.exitCode(), all.stdout() + all.stderr());
      Map<String, JsonNode> byCa = new LinkedHashMap<>();
      Output.JSON.readTree(all.stdout()).forEach(doc -> byCa.put(doc.get("ca").asText(), doc));
      assertEquals(List.of(CMD, SYSTEMD), List.copyOf(byCa.keySet()), "one document per CA, in the config's order");
      for (JsonNode doc : byCa.values()) {
        assertTrue(doc.get("ok").asBoolean() && doc.get("verified").asBoolean(), doc.toString());
        assertTrue(doc.get("caWasRunning").asBoolean() && doc.get("caDowntimeMillis").asLong() > 0, doc.toString());
      }
      lap("backup --all");
      assertTrue(cmd.healthy(), "the command-backend CA runs again");
      assertEquals("active", systemd.unitState("step-ca"), "the systemd CA runs again");

      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
      try {
        WorkflowClient client = WorkflowClient.newInstance(stubs);
        assertHostStepsOnItsWorker(client, byCa.get(CMD).get("workflowId").asText(), CMD_HOST, onCmdHost, shared);
        assertHostStepsOnItsWorker(client, byCa.get(SYSTEMD).get("workflowId").asText(), SYSTEMD_HOST, onSystemdHost,
            shared);
      } finally {
        stubs.shutdownNow();
      }

      lap("histories");
      long after = System.currentTimeMillis() / 1000 + 1;
      assertLastBackupExported(onCmdHost, CMD, SYSTEMD, before, after);
      assertLastBackupExported(onSystemdHost, SYSTEMD, CMD, before, after);
      String sharedScrape = Scrapes.scrape(shared.metricsPort());
      assertFalse(sharedScrape.contains("stepca_backup_last_success_timestamp_seconds{"),
          "the shared worker ran no host step:\n" + sharedScrape);

      lap("metrics");
      // overview, read-only and without Temporal, has one row per CA, both up and just backed up
      Cli.Run overview = Cli.run("overview", "--json", "--config", config.toString());
      JsonNode rows = Output.JSON.readTree(overview.stdout());
      lap("overview");
      for (String ca : List.of(CMD, SYSTEMD)) {
        JsonNode row = java.util.stream.StreamSupport.stream(rows.path("cas").spliterator(), false)
            .filter(r -> ca.equals(r.path("ca").asText())).findFirst()
            .orElseThrow(() -> new AssertionError("overview has no row for " + ca + ": " + overview.stdout()));
        assertTrue(row.path("health").path("up").asBoolean(), ca + " up in overview: " + row);
      }

      // one host's worker gone: the other CA is backed up all the same; exit 1 names the one
      DevServerIT.stop(onCmdHost.process());
      Cli.Run partial = Cli.run("backup", "--all", "--config", config.toString());
      lap("backup --all, one host worker gone");
      assertEquals(1, partial.exitCode(), partial.stdout() + partial.stderr());
      assertTrue(partial.stdout().lines().anyMatch(l -> l.matches("  ✓ lab-systemd  \\d{8}T\\d{6}Z-\\w{4} stored and"
          + " verified, CA down \\d+ ms")), partial.stdout());
      assertTrue(partial.stdout().lines().anyMatch(l -> l.startsWith("  ✗ lab-cmd      FAILED: no worker polled "
          + TaskQueues.forHost(CMD_HOST))), partial.stdout());
      assertTrue(partial.stdout().lines().allMatch(l -> Columns.width(l) <= 80), "80 columns:\n" + partial.stdout());
      assertTrue(partial.stderr().contains("1 of 2 backups FAILED: lab-cmd\n  lab-cmd (workflow backup-lab-cmd-"),
          partial.stderr());
      assertTrue(partial.stderr().contains("On cmd-host, start: stepca-recovery worker --config " + config
          + " --host cmd-host"), "the whole message, with the command to run: " + partial.stderr());
      assertTrue(cmd.healthy(), "nothing was stopped on the host without a worker");
    } finally {
      for (Worker w : workers) {
        DevServerIT.stop(w.process()); // the unit goes with its host
      }
      try {
        if (systemd == null) {
          systemd = systemdUp.get(300, TimeUnit.SECONDS); // failed before it was needed: removed all the same
        }
      } catch (java.util.concurrent.ExecutionException failedToBoot) {
        // lab/up removed what it had started
      } finally {
        booting.shutdownNow();
        if (systemd != null) {
          systemd.close();
        }
        deleteTree(work);
      }
    }
  }

  /**
   * One config for the fleet, as every host and the operator keep it: each lab's CA (renamed,
   * on its own host), the systemd lab's dev-server as Temporal, a short wait for a host worker.
   */
  static Path fleetConfig(Path file, String temporal, LabCa cmd, Path systemdConfig) throws Exception {
    String cmdYaml = Files.readString(cmd.configFile());
    String yaml = "temporal: { address: \"" + temporal + "\", workerDeadlineSeconds: 8 }\n"
        + cmdYaml.lines().filter(l -> l.startsWith("lockDir:")).findFirst().orElseThrow() + "\n"
        + "cas:\n"
        + caEntry(cmdYaml, CMD, CMD_HOST)
        + caEntry(Files.readString(systemdConfig), SYSTEMD, SYSTEMD_HOST);
    return Files.writeString(file, yaml);
  }

  /** The lab's one CA entry (its lines under {@code cas:}), named and placed on {@code host}. */
  private static String caEntry(String labYaml, String name, String host) {
    StringBuilder b = new StringBuilder();
    boolean in = false;
    for (String line : labYaml.split("\n")) {
      if (line.equals("cas:")) {
        in = true;
      } else if (in && !line.isEmpty() && !line.startsWith(" ")) {
        break;
      } else if (in) {
        b.append(line).append('\n');
      }
    }
    String entry = b.toString();
    assertTrue(entry.startsWith("  - name: lab\n    host: localhost\n"), entry);
    return entry.replaceFirst("  - name: lab\n    host: localhost\n", "  - name: " + name + "\n    host: " + host + "\n");
  }

  /**
   * The systemd host's worker as an operator installs it there: the fleet config at
   * /etc/stepca-recovery/config.yaml, deploy/systemd's unit (in place of the lab's, never started) with
   * --hosts-only --host systemd-host --metrics from /etc/default/stepca-recovery.
   */
  private static Worker systemdHostWorker(SystemdHost host, Path config, int metricsPort) throws Exception {
    Path defaults = Files.writeString(config.resolveSibling("stepca-recovery.default"),
        "STEPCA_RECOVERY_WORKER_ARGS=--hosts-only --host " + SYSTEMD_HOST + " --metrics 127.0.0.1:" + metricsPort
            + "\nJAVA_OPTS=-Xmx256m\n");
    host.exec("mkdir", "-p", "/etc/stepca-recovery");
    copyInto(host, config, "/etc/stepca-recovery/config.yaml");
    copyInto(host, defaults, "/etc/default/stepca-recovery");
    copyInto(host, LabCa.repo().resolve("deploy/systemd/stepca-recovery-worker.service"),
        "/etc/systemd/system/stepca-recovery-worker.service");
    host.exec("systemctl", "daemon-reload");
    host.exec("systemctl", "restart", "stepca-recovery-worker");
    String pid = host.exec("systemctl", "show", "stepca-recovery-worker", "-p", "MainPID").replace("MainPID=", "");
    assertTrue(pid.matches("[1-9]\\d*"), "the unit runs: " + pid);
    // the SDK's default identity: the JVM's pid@hostname (the container shares this one's network and name)
    return new Worker("the systemd host's unit", null, null, pid + "@", metricsPort);
  }

  private static Worker worker(Path work, String name, Path config, String... args) throws Exception {
    int port = DevServerIT.freePort();
    List<String> cmd = new ArrayList<>(List.of("worker", "--config", config.toString(), "--metrics", String.valueOf(port)));
    cmd.addAll(List.of(args));
    Path log = work.resolve(name + ".log");
    Process p = DevServerIT.start(log, cmd.toArray(String[]::new));
    return new Worker(name + " worker", p, log, p.pid() + "@", port); // ./stepca-recovery execs the JVM: its pid
  }

  /**
   * The systemd lab's Temporal address, once its dev-server listens (its lab.env and config.yaml
   * are written before the dev-server is started).
   */
  private static String awaitDevServer(Path dir, Future<SystemdHost> up) throws Exception {
    Path log = dir.resolve("dev-server.log");
    for (int i = 0; i < 2400; i++) {
      if (Files.exists(log) && Files.readString(log).contains("listening on")) {
        return LabCa.readEnv(dir.resolve("lab.env")).get("TEMPORAL");
      }
      if (up.isDone()) {
        return up.get().env("TEMPORAL"); // up (or failed: get() says why)
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the systemd lab's dev-server did not listen within 240 s");
  }

  private static void awaitPolling(Worker w, SystemdHost systemd, String line) throws Exception {
    for (int i = 0; i < 1200; i++) {
      if (log(w, systemd).contains(line)) {
        return;
      }
      if (w.process() != null && !w.process().isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(w.name() + " did not log '" + line + "':\n" + log(w, systemd));
  }

  private static String log(Worker w, SystemdHost systemd) throws Exception {
    if (w.log() == null) {
      return systemd.exec("journalctl", "-u", "stepca-recovery-worker", "--no-pager", "-o", "cat");
    }
    return Files.exists(w.log()) ? Files.readString(w.log()) : "";
  }

  /**
   * Every activity of the run on a host queue was scheduled on {@code host}'s queue and taken by
   * that host's worker; every other task (the workflow's own, the shared probes) by the shared one.
   */
  private static void assertHostStepsOnItsWorker(WorkflowClient client, String workflowId, String host,
      Worker hostWorker, Worker shared) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    Map<Long, HistoryEvent> scheduled = new HashMap<>();
    List<String> onHost = new ArrayList<>();
    for (HistoryEvent e : events) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(e.getEventId(), e);
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        var started = e.getActivityTaskStartedEventAttributes();
        var s = scheduled.get(started.getScheduledEventId()).getActivityTaskScheduledEventAttributes();
        String queue = s.getTaskQueue().getName();
        String activity = s.getActivityType().getName();
        if (queue.startsWith(TaskQueues.SHARED + "@")) {
          assertEquals(TaskQueues.forHost(host), queue, workflowId + ": " + activity);
          assertTrue(started.getIdentity().startsWith(hostWorker.identity()), workflowId + ": " + activity
              + " taken by " + started.getIdentity() + ", not " + hostWorker.name() + " (" + hostWorker.identity() + ")");
          onHost.add(activity);
        } else {
          assertEquals(TaskQueues.SHARED, queue, workflowId + ": " + activity);
          assertTrue(started.getIdentity().startsWith(shared.identity()), workflowId + ": " + activity
              + " taken by " + started.getIdentity());
        }
      } else if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        assertTrue(e.getWorkflowTaskStartedEventAttributes().getIdentity().startsWith(shared.identity()),
            workflowId + ": workflow task taken by " + e.getWorkflowTaskStartedEventAttributes().getIdentity());
      }
    }
    assertNotEquals(hostWorker.identity(), shared.identity());
    for (String step : List.of("StopCa", "Snapshot", "StartCa", "Archive", "Publish")) {
      assertTrue(onHost.contains(step), workflowId + ": " + step + " on " + host + "'s worker; host steps: " + onHost);
    }
  }

  /** The CA's last successful backup, from the worker that ran it, in the backup's time; the other CA's absent. */
  private static void assertLastBackupExported(Worker w, String ca, String otherCa, long from, long to)
      throws Exception {
    String series = "stepca_backup_last_success_timestamp_seconds{ca=\"" + ca + "\"}";
    String scrape = Scrapes.scrape(w.metricsPort());
    double last = Scrapes.sample(scrape, series).orElseThrow(() -> new AssertionError(w.name() + ": no " + series + ":\n" + scrape));
    assertTrue(last >= from && last <= to, w.name() + ": " + series + " " + last + " not in [" + from + ", " + to + "]");
    assertFalse(scrape.contains("stepca_backup_last_success_timestamp_seconds{ca=\"" + otherCa + "\"}"),
        w.name() + " ran no step of " + otherCa + ":\n" + scrape);
    // a host worker probes its own CA alone: from here the other CA may be unreachable or its root
    // absent, and a 0 beside the right worker's 1 would be noise
    assertTrue(Scrapes.sample(scrape, "stepca_ca_up{ca=\"" + ca + "\"}").isPresent(), w.name() + " probes " + ca + ":\n" + scrape);
    assertFalse(scrape.contains("stepca_ca_up{ca=\"" + otherCa + "\"}"), w.name() + " probes no other CA:\n" + scrape);
  }



  private static void copyInto(SystemdHost host, Path file, String path) {
    LabCa.run(List.of("podman", "cp", file.toString(), host.container() + ":" + path), 60);
  }

  private static void deleteTree(Path root) throws Exception {
    if (Files.exists(root)) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
