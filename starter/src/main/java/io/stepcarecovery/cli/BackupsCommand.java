package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.copies.Holdings;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.store.DrillRecords;
import io.stepcarecovery.drill.DrillRecord;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "backups", mixinStandardHelpOptions = true,
    description = "List a CA's verified backups, newest first, and which stores hold each (the local"
        + " store and its off-host copies). Reads the stores directly; an archive whose verification or"
        + " upload did not finish is never listed.")
final class BackupsCommand implements Callable<Integer> {
  @Mixin StoreOptions common; // reads the store directly: no --temporal

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CaConfig c = common.caConfig();
    BackupStore store = new BackupStore(c.backups().store(), c.name());
    Holdings held = Holdings.of(c);
    List<StoredBackup> all = held.backups();
    boolean copies = !c.backups().copiesOrEmpty().isEmpty();
    if (common.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", held.unreachable().isEmpty());
      doc.put("ca", c.name());
      doc.put("store", store.dir().toString());
      com.fasterxml.jackson.databind.node.ArrayNode list = doc.putArray("backups");
      for (StoredBackup b : all) {
        ObjectNode o = Output.JSON.valueToTree(b);
        o.set("stores", Output.JSON.valueToTree(held.stores().get(b.backupId())));
        // the last drill of this backup, from its record beside it (absent: never drilled)
        DrillRecords.read(store, b.backupId()).ifPresent(d -> o.set("lastDrill", Output.JSON.valueToTree(d)));
        list.add(o);
      }
      if (!held.unreachable().isEmpty()) {
        doc.set("unreachable", Output.JSON.valueToTree(held.unreachable()));
      }
      Output.json(spec.commandLine(), doc);
      return held.unreachable().isEmpty() ? Main.OK : Main.FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (all.isEmpty()) {
      out.println("No verified backup of CA " + c.name() + " in " + TerminalText.line(store.dir().toString())
          + (copies ? " nor in its copies" : ""));
    } else {
      out.printf("%-24s %-24s %12s  %-12s  %-16s  %-18s  %s%n", "BACKUP", "CREATED", "BYTES", "SHA256",
          "ENCRYPTED TO", "LAST DRILL", copies ? "STORES" : "REASON");
      for (StoredBackup b : all) {
        // The last 16 hex digits of the fingerprint: the long key id gpg --list-keys shows.
        String to = b.encryptedTo() == null ? "-" : b.encryptedTo().substring(Math.max(0, b.encryptedTo().length() - 16));
        // Every cell read from a record is text from outside: one table row each, nothing that acts.
        out.printf("%-24s %-24s %12d  %-12s  %-16s  %-18s  %s%n", TerminalText.line(b.backupId()),
            TerminalText.line(b.createdAt()), b.sizeBytes(), TerminalText.line(b.sha256().substring(0, 12)),
            TerminalText.line(to), drillCell(DrillRecords.read(store, b.backupId()).orElse(null)), copies ? TerminalText.line(String.join(" ", held.stores().get(b.backupId())))
                : b.reason() == null ? "" : TerminalText.line(b.reason()));
        if (b.dump() != null) {
          out.println(dumpLine(b));
        }
      }
    }
    out.flush();
    if (!held.unreachable().isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      held.unreachable().forEach((uri, why) -> err.println(TerminalText.line("stepca-recovery: cannot list "
          + uri + ": " + why)));
      err.flush();
      return Main.FAILED;
    }
    return Main.OK;
  }

  /** Under an online backup's row: what makes it one (its database dump, by member name and size). */
  static String dumpLine(StoredBackup b) {
    StoredBackup.DatabaseDump d = b.dump();
    String sha = d.sha256() == null ? "" : ", sha256 " + d.sha256().substring(0, Math.min(12, d.sha256().length()));
    return TerminalText.line("  online " + b.dbType() + " backup (CA kept running): database dump " + d.member()
        + ", " + d.sizeBytes() + " bytes" + sha);
  }

  /** "ok, RTO 1234 ms", "FAILED", or "-" for a backup never drilled. */
  static String drillCell(DrillRecord d) {
    if (d == null) {
      return "-";
    }
    return d.ok() ? "ok, RTO " + d.rtoMillis() + " ms" : "FAILED";
  }
}
