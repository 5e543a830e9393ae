package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.copies.OffsiteCheck;
import io.stepcarecovery.restore.StoredBackupCheck;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Re-read and verify stored backups, like 'restic check'. Read-only: works on a"
        + " read-only store.",
        "Without --read-data: each record, its archive's presence and size, its signature and"
            + " recipient. With --read-data: every byte, through the same verification a restore makes.",
        "Off-host copies too: without --read-data, each copy's complete backups; with it, every byte"
            + " read back against the record's SHA-256. A failure names the copy.",
        "Exit 1 when any backup fails, naming it."})
final class CheckCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Option(names = "--backup", paramLabel = "ID|all", defaultValue = "all",
      description = "The backup to check (default: all).")
  String backup;

  @Option(names = "--read-data", description = "Read and verify every byte of each archive.")
  boolean readData;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CaConfig c = store.caConfig();
    List<StoredBackupCheck.Result> results = StoredBackupCheck.check(c, backup, readData);
    List<StoredBackupCheck.Result> failedLocal = results.stream().filter(r -> !r.ok()).toList();
    List<OffsiteCheck> copies = OffsiteCheck.check(c, backup, readData);
    List<OffsiteCheck> failedCopies = copies.stream().filter(r -> !r.ok()).toList();
    List<String> failed = new java.util.ArrayList<>();
    failedLocal.forEach(r -> failed.add(r.backupId() + " (local)"));
    failedCopies.forEach(r -> failed.add(r.backupId() + " at " + r.uri()));
    if (store.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", failed.isEmpty());
      doc.put("ca", c.name());
      doc.put("readData", readData);
      ArrayNode list = doc.putArray("backups");
      for (StoredBackupCheck.Result r : results) {
        ObjectNode o = list.addObject();
        o.put("backupId", r.backupId());
        o.put("ok", r.ok());
        o.put("store", "local");
        o.put("problem", r.problem());
      }
      for (OffsiteCheck r : copies) {
        ObjectNode o = list.addObject();
        o.put("backupId", r.backupId());
        o.put("ok", r.ok());
        o.put("store", r.uri());
        o.put("problem", r.problem());
      }
      Output.json(spec.commandLine(), doc);
      return failed.isEmpty() ? Main.OK : Main.FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (StoredBackupCheck.Result r : results) {
      // ids and problems quote records from the store: text from outside, one line each
      out.println(TerminalText.line((r.ok() ? "ok      " : "FAILED  ") + r.backupId()
          + (r.ok() ? "" : ": " + r.problem())));
    }
    for (OffsiteCheck r : copies) {
      out.println(TerminalText.line((r.ok() ? "ok      " : "FAILED  ") + r.backupId() + " at " + r.uri()
          + (r.ok() ? "" : ": " + r.problem())));
    }
    String what = readData ? "every byte read and verified" : "records, sizes, signatures and recipients";
    if (results.isEmpty() && copies.isEmpty()) {
      out.println("No backup of CA " + c.name() + " to check.");
    } else if (failed.isEmpty()) {
      out.println(results.size() + " backup(s) of CA " + c.name() + " ok" + (copies.isEmpty() ? ""
          : ", and " + copies.size() + " off-host copies") + " (" + what + ")"
          + (readData ? "" : "; to read every byte: stepca-recovery check" + store.pasteable(c) + " --read-data"));
    }
    out.flush();
    if (!failed.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(TerminalText.line("stepca-recovery: " + failed.size() + " of " + (results.size() + copies.size())
          + " stored backup(s) of CA " + c.name() + " failed the check: " + String.join(", ", failed)));
      err.flush();
      return Main.FAILED;
    }
    return Main.OK;
  }
}
