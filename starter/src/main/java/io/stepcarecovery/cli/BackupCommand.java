package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupResult;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {
        "Take a backup of a CA: stop it, snapshot its data, start it again, then archive,"
            + " store and verify. The CA is down only for the snapshot copy, and is always started"
            + " again, even if the backup fails.",
        "",
        "With --all, one backup per configured CA, all started together (each its own workflow, as"
            + " --ca starts it) and one line per CA as each ends; exit 0 when every one was stored and"
            + " verified, 1 when any failed (named on stderr). --json prints an array, one object per CA.",
        "",
        "Any Temporal client can start the same workflow: type BackupWorkflow, task queue "
            + TaskQueues.SHARED + ", input {\"ca\":\"NAME\",\"reason\":\"TEXT\"}."})
final class BackupCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin WaitOptions wait;

  @Mixin CaOption ca;

  @Option(names = "--all",
      description = "Every CA in the config, each on its own host's worker (needs a Temporal service)."
          + " Excludes --ca.")
  boolean all;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
      description = "Why: recorded in the manifest and shown in Temporal, e.g. \"before upgrade to 0.28\".")
  String reason;

  @Option(names = "--config-only",
      description = "For CAs on mysql/postgresql: archive config, certs and secrets alone (the"
          + " external database is not covered; back it up with its own tools).")
  boolean configOnly;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    StepcaRecoveryConfig config = common.load();
    if (all) {
      FleetRun.refuseWithCa(ca);
      return new FleetRun<>("backup", "Backing up", BackupResult.class, (session, each) -> start(session, config, each),
          BackupCommand::outcome).run(config, FleetRun.all(config), common, wait, spec.commandLine());
    }
    String name = ca.of(config).name();
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      StartedRun.refuseNoWaitWhenEmbedded(session, wait);
      String id = start(session, config, name);
      BackupResult r = StartedRun.await(session, id, BackupResult.class, common.json, wait, out,
          "Backing up CA " + name, new RunContext(config, name, common, spec.commandLine().getErr()), () -> {});
      if (r == null) {
        return Main.OK;
      }
      boolean copied = r.copiesVerified();
      if (common.json) {
        Output.json(spec.commandLine(), document(r, id));
      } else {
        out.println("Backup " + TerminalText.line(r.backupId()) + (copied ? " stored and verified"
            + (r.copiesOrEmpty().isEmpty() ? "" : " in every store") : " stored; an off-host copy FAILED"));
        out.println("  archive    " + TerminalText.line(r.archive()));
        out.println("  sha256     " + r.sha256());
        out.println("  size       " + r.sizeBytes() + " bytes");
        out.println("  db         " + r.dbType());
        out.println("  root       " + r.rootFingerprint());
        out.println("  CA down    " + (Boolean.TRUE.equals(r.online())
            ? "no (online backup: the database was dumped while the CA kept running)"
            : r.caWasRunning() ? r.caDowntimeMillis() + " ms (stopped window "
            + r.stoppedWindowMillis() + " ms)" : "no (it was not running; left stopped)"));
        if (!r.pruned().isEmpty()) {
          out.println("  pruned     " + TerminalText.line(String.join(", ", r.pruned())));
        }
        for (io.stepcarecovery.copies.CopyReport c : r.copiesOrEmpty()) {
          // URIs come from the config, errors from remote servers: one line each
          out.println(TerminalText.line("  copy       " + c.uri() + (c.verified() ? "  verified"
              + (c.sha256() != null ? " (sha256 " + c.sha256().substring(0, 12) + "…)" : "")
              + (c.snapshot() != null ? " (snapshot " + c.snapshot() + ")" : "") : "  FAILED: " + c.error())));
        }
        out.flush();
      }
      if (!copied) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(TerminalText.line("stepca-recovery: backup " + r.backupId() + " is stored locally but NOT"
            + " verified in every store: " + String.join("; ", r.copiesOrEmpty().stream()
                .filter(c -> !c.verified()).map(c -> c.uri() + ": " + c.error()).toList())
            + " (the copies that succeeded stay; fix the store and back up again)"));
        err.flush();
        return Main.FAILED;
      }
      return Main.OK;
    }
  }

  /** Starts the CA's backup workflow; its id. */
  private String start(TemporalSession session, StepcaRecoveryConfig config, String name) {
    WorkflowOptions opts = StartOptions.of(session, "backup", name, reason,
        "Runbook backup: stop the CA → snapshot its data → start it → confirm /health → archive"
            + " (tar.gz + manifest) → store and verify → prune.");
    BackupWorkflow wf = session.client().newWorkflowStub(BackupWorkflow.class, opts);
    // the CA as this command's config describes it: the run refuses (exit 2) if the worker's differs
    WorkflowClient.start(wf::backup, new BackupRequest(name, reason, configOnly ? true : null,
        FirstTaskWatch.deadlineSeconds(new RunContext(config, name, common, null)),
        io.stepcarecovery.config.CaViews.of(config.ca(name))));
    return opts.getWorkflowId();
  }

  /** The --json document of one backup: the result, and whether every store holds it verified. */
  static ObjectNode document(BackupResult r, String id) {
    boolean copied = r.copiesVerified();
    ObjectNode doc = Output.object(r);
    doc.put("ok", copied);
    doc.put("verified", copied);
    doc.put("workflowId", id);
    doc.put("online", Boolean.TRUE.equals(r.online()));
    return doc;
  }

  /** One CA's line in backup --all: the backup and the CA's downtime, or the copy that failed. */
  static FleetOutcome outcome(String ca, String id, BackupResult r) {
    ObjectNode doc = document(r, id);
    doc.put("ca", ca);
    if (!r.copiesVerified()) {
      String failed = String.join("; ", r.copiesOrEmpty().stream().filter(c -> !c.verified())
          .map(c -> c.uri() + ": " + c.error()).toList());
      doc.put("error", "backup " + r.backupId() + " is stored locally but NOT verified in every store: " + failed);
      return new FleetOutcome(ca, id, false, r.backupId() + " stored; an off-host copy FAILED: " + failed, doc);
    }
    String down = Boolean.TRUE.equals(r.online()) ? "online, CA not stopped"
        : r.caWasRunning() ? "CA down " + r.caDowntimeMillis() + " ms" : "CA was not running";
    // short enough for 80 columns beside a CA name; the rest is in 'backups' and --json
    return new FleetOutcome(ca, id, true, r.backupId() + " stored and verified, " + down, doc);
  }
}
