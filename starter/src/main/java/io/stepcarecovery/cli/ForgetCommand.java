package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.backup.StoredBackup;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.CopyConfig;
import io.stepcarecovery.copies.CopyRetention;
import io.stepcarecovery.copies.OffsiteStore;
import io.stepcarecovery.copies.OffsiteStores;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.retention.KeepPolicy;
import io.stepcarecovery.retention.Retention;
import io.stepcarecovery.store.BackupStore;
import io.stepcarecovery.text.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    List<String> future = local.futureDated();
    List<String> kept = dryRun ? decision.keptIds()
        : local.list().stream().map(StoredBackup::backupId).filter(id -> !future.contains(id)).toList();
    List<StoreResult> results = new ArrayList<>();
    results.add(new StoreResult("local store " + local.dir(), local.dir().toUri().toString(), kept, gone, null));
    for (CopyConfig copy : c.backups().copiesOrEmpty()) {
      // Each store on its own: what one holds, another may not; one unreachable store does not stop the rest.
      try (OffsiteStore s = OffsiteStores.open(c.name(), copy)) {
        List<String> heldBefore = s.list().stream().map(StoredBackup::backupId).toList();
        List<String> copyGone = CopyRetention.forget(s, policy,
            local.newestDrilled().map(Set::of).orElse(Set.of()), dryRun);
        results.add(new StoreResult(copy.uri(), copy.uri(),
            heldBefore.stream().filter(id -> !copyGone.contains(id)).toList(), copyGone, null));
      } catch (Exception e) {
        results.add(new StoreResult(copy.uri(), copy.uri(), List.of(), List.of(), e.getMessage()));
      }
    }
    boolean failed = results.stream().anyMatch(r -> r.error() != null);
    if (store.json) {
      ObjectNode doc = Output.JSON.createObjectNode();
      doc.put("ok", !failed);
      doc.put("ca", c.name());
      doc.put("dryRun", dryRun);
      doc.put("policy", policy.toString());
      // Top level: the local store's, as before stores had copies.
      doc.set(dryRun ? "wouldDelete" : "deleted", Output.JSON.valueToTree(gone));
      ArrayNode stores = doc.putArray("stores");
      for (StoreResult r : results) {
        ObjectNode s = stores.addObject();
        s.put("store", r.uri());
        s.set("kept", Output.JSON.valueToTree(r.kept()));
        s.set(dryRun ? "wouldDelete" : "deleted", Output.JSON.valueToTree(r.gone()));
        if (r.error() != null) {
          s.put("error", r.error());
        }
      }
      Output.json(spec.commandLine(), doc);
      return failed ? Main.FAILED : Main.OK;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (StoreResult r : results) {
      out.println(TerminalText.line(r.name() + " (keep " + policy + "):"));
      if (r.error() != null) {
        out.println(TerminalText.line("  failed: " + r.error()));
        continue;
      }
      for (String id : r.gone()) {
        out.println(TerminalText.line((dryRun ? "  would delete " : "  deleted ") + id));
      }
      out.println(r.gone().isEmpty() ? "  nothing to forget: the policy keeps all " + r.kept().size() + " backup(s)."
          : dryRun ? "  " + r.gone().size() + " backup(s) would be deleted, " + r.kept().size() + " kept."
          : "  " + r.gone().size() + " backup(s) deleted; " + r.kept().size() + " kept.");
    }
    if (dryRun && results.stream().anyMatch(r -> !r.gone().isEmpty())) {
      out.println("To delete them: stepca-recovery forget" + store.pasteable(c) + (keep != null ? " --keep " + keep : ""));
    }
    out.flush();
    return failed ? Main.FAILED : Main.OK;
  }

  /** One store's outcome; {@code error} when it could not be read or changed. */
  private record StoreResult(String name, String uri, List<String> kept, List<String> gone, String error) {}
}
