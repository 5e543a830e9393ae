package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
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
    description = {"Delete all but the newest N backups of a CA now (retention on demand, like"
        + " 'restic forget --keep-last N'). The newest is never deleted; a record dated in the"
        + " future is never deleted nor counted.",
        "--dry-run prints what would be deleted and deletes nothing."})
final class ForgetCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Option(names = "--keep", paramLabel = "N", required = true, description = "How many of the newest to keep (at least 1).")
  int keep;

  @Option(names = "--dry-run", description = "Only print what would be deleted.")
  boolean dryRun;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (keep < 1) {
      throw new ConfigException("--keep " + keep + ": keep at least 1 (the newest backup is never forgotten)");
    }
    CaConfig c = store.caConfig();
    BackupStore s = new BackupStore(c.backups().store(), c.name());
    List<String> gone;
    if (dryRun) {
      // the same choice prune makes: future-dated records neither count nor go
      List<String> future = s.futureDated();
      List<String> real = s.list().stream().map(StoredBackup::backupId).filter(id -> !future.contains(id)).toList();
      gone = real.size() > keep ? real.subList(keep, real.size()) : List.of();
    } else {
      gone = s.prune(keep, null);
    }
    if (store.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", true);
      doc.put("ca", c.name());
      doc.put("dryRun", dryRun);
      doc.set(dryRun ? "wouldDelete" : "deleted", Output.JSON.valueToTree(gone));
      Output.json(spec.commandLine(), doc);
      return Main.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (String id : gone) {
      out.println(TerminalText.line((dryRun ? "would delete " : "deleted ") + id));
    }
    out.println(gone.isEmpty() ? "Nothing to forget: CA " + c.name() + " has at most " + keep + " backup(s)."
        : dryRun ? gone.size() + " backup(s) would be deleted; to delete them: stepca-recovery forget"
            + store.pasteable(c) + " --keep " + keep
        : gone.size() + " backup(s) deleted; " + keep + " kept.");
    out.flush();
    return Main.OK;
  }
}
