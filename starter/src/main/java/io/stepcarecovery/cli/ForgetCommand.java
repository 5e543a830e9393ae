package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.retention.KeepPolicy;
import io.stepcarecovery.retention.Retention;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "forget", mixinStandardHelpOptions = true,
    description = {"Apply the CA's retention policy now, in each of its stores: backups.keep from the"
        + " config (restic's rules: 'keep: N' is --keep-last N; '{last, daily, weekly, monthly,"
        + " yearly}' keeps the newest backup of each of the N newest days, ISO weeks, months, years"
        + " by this host's local time), or --keep N. The newest is never deleted; a record dated in"
        + " the future is never deleted nor counted.",
        "--dry-run prints what would be deleted and deletes nothing."})
final class ForgetCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Option(names = "--keep", paramLabel = "N",
      description = "Keep the newest N (at least 1) instead of the config's policy.")
  Integer keep;

  @Option(names = "--dry-run", description = "Only print what would be deleted.")
  boolean dryRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (keep != null && keep < 1) {
      throw new ConfigException("--keep " + keep + ": keep at least 1 (the newest backup is never forgotten)");
    }
    CaConfig c = store.caConfig();
    KeepPolicy policy = keep != null ? KeepPolicy.lastN(keep) : c.backups().keepOrDefault();
    BackupStore local = new BackupStore(c.backups().store(), c.name());
    // Dry run and the real run make one decision (future-dated records neither count nor go).
    Retention.Decision decision = local.retention(policy, null);
    List<String> gone = dryRun ? decision.removedIds() : local.prune(policy, null);
    List<String> kept = dryRun ? decision.keptIds()
        : local.list().stream().map(b -> b.backupId()).filter(id -> !local.futureDated().contains(id)).toList();
    String where = "local store " + local.dir();
    if (store.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", true);
      doc.put("ca", c.name());
      doc.put("dryRun", dryRun);
      doc.put("policy", policy.toString());
      // Top level: the local store's, as before stores had copies.
      doc.set(dryRun ? "wouldDelete" : "deleted", Output.JSON.valueToTree(gone));
      ArrayNode stores = doc.putArray("stores");
      ObjectNode s = stores.addObject();
      s.put("store", local.dir().toUri().toString());
      s.set("kept", Output.JSON.valueToTree(kept));
      s.set(dryRun ? "wouldDelete" : "deleted", Output.JSON.valueToTree(gone));
      Output.json(spec.commandLine(), doc);
      return Main.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(TerminalText.line(where + " (keep " + policy + "):"));
    for (String id : gone) {
      out.println(TerminalText.line((dryRun ? "  would delete " : "  deleted ") + id));
    }
    out.println(gone.isEmpty() ? "  nothing to forget: the policy keeps all " + kept.size() + " backup(s) of CA " + c.name() + "."
        : dryRun ? "  " + gone.size() + " backup(s) would be deleted, " + kept.size() + " kept; to delete them:"
            + " stepca-recovery forget" + store.pasteable(c) + (keep != null ? " --keep " + keep : "")
        : "  " + gone.size() + " backup(s) deleted; " + kept.size() + " kept.");
    out.flush();
    return Main.OK;
  }
}
