package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.losses.LostRecords;
import io.stepcarecovery.text.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lists what a restore undid: the records the previous data (moved aside by the restore) holds
 * that the restored data lacks. Reads both badger databases read-only from their value logs, on
 * the CA host, with or without the CA running; needs no config and no Temporal.
 */
@Command(name = "losses", mixinStandardHelpOptions = true,
    description = {
        "List what the previous data (moved aside by a restore, e.g. /var/lib/step-ca.pre-restore-T)"
            + " holds that the restored data lacks: certificates issued, revocations (valid again"
            + " until revoked anew) and ACME accounts (their clients must register again) recorded"
            + " after the backup; for other tables (orders, authorizations, ...) how many.",
        "Reads step-ca's badger v2 database (db.type badgerv2) read-only from its value logs; each"
            + " DIR is the database directory, a STEPPATH, or a moved-aside copy of one. The CA may"
            + " keep running.",
        "Exit 0 when both were read to their end, 1 when a value log is damaged (nothing listed"
            + " unless --partial), 2 usage error or no badger database in DIR."})
final class LossesCommand implements Callable<Integer> {
  @Option(names = "--previous", required = true, paramLabel = "DIR",
      description = "The data the restore replaced (the movedAside path of the restore's result).")
  Path previous;

  @Option(names = "--current", required = true, paramLabel = "DIR",
      description = "The data the CA runs on now (the restored backup).")
  Path current;

  @Option(names = "--partial", description = "List what precedes the damage when a value log is damaged"
      + " (the listing may then be short), instead of refusing.")
  boolean partial;

  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    LostRecords lost;
    try {
      lost = LostRecords.compare(previous, current);
    } catch (IOException e) {
      Output.error(cl, json, e.getMessage(), Main.USAGE);
      return Main.USAGE;
    }
    if (!lost.damage().isEmpty() && !partial) {
      Output.error(cl, json, "damaged value log, so the listing could be wrong: "
          + String.join("; ", lost.damage()) + ". Nothing listed; --partial lists what precedes the damage",
          Main.FAILED);
      return Main.FAILED;
    }
    int code = lost.damage().isEmpty() ? Main.OK : Main.FAILED;
    if (json) {
      ObjectNode doc = Output.object(lost);
      doc.put("ok", code == Main.OK);
      doc.put("partial", !lost.damage().isEmpty());
      Output.json(cl, doc);
      return code;
    }
    print(cl.getOut(), lost);
    return code;
  }

  private static void print(PrintWriter out, LostRecords lost) {
    out.println("Previous data  " + TerminalText.line(lost.previous()) + " (" + lost.previousLogs() + " value logs)");
    out.println("Current data   " + TerminalText.line(lost.current()) + " (" + lost.currentLogs() + " value logs)");
    for (String d : lost.damage()) {
      out.println("DAMAGED        " + TerminalText.line(d) + " — the listing may be short");
    }
    out.println();
    out.println("Certificates issued that the current data lacks: " + lost.certificates().size());
    for (LostRecords.Certificate c : lost.certificates()) {
      out.println("  serial " + TerminalText.line(c.serial()) + (c.serialHex() == null ? "" : " (hex " + c.serialHex() + ")")
          + "  " + (c.subject() == null ? "(certificate unreadable)" : TerminalText.line(c.subject())
              + "  valid " + c.notBefore() + " → " + c.notAfter())
          + (c.provisioner() == null ? "" : "  provisioner " + TerminalText.line(c.provisioner())));
    }
    if (!lost.certificates().isEmpty()) {
      out.println("  The CA's database no longer records these; they stay valid and renew as before (the"
          + " CA checks only its revocations). One that must go is revoked by serial, which needs no record:"
          + " step ca revoke <serial> --ca-url <CA URL> --root <root_ca.crt>");
    }
    out.println("Revocations that the current data lacks (valid again): " + lost.revocations().size());
    for (LostRecords.Revocation r : lost.revocations()) {
      out.println("  serial " + TerminalText.line(r.serial()) + "  revoked " + r.revokedAt()
          + (r.reason() == null || r.reason().isEmpty() ? "" : "  reason " + TerminalText.line(r.reason()))
          + (r.acme() ? "  (by ACME)" : ""));
      out.println("    revoke again: step ca revoke " + TerminalText.line(r.serial()) + " --reasonCode "
          + r.reasonCode() + " --reason '" + TerminalText.line(r.reason() == null ? "" : r.reason()).replace("'", "")
          + "' --ca-url <CA URL> --root <root_ca.crt>");
    }
    out.println("ACME accounts that the current data lacks (clients must register again): "
        + lost.acmeAccounts().size());
    for (LostRecords.AcmeAccount a : lost.acmeAccounts()) {
      out.println("  account " + TerminalText.line(a.id()) + "  " + TerminalText.line(String.valueOf(a.status()))
          + (a.contact().isEmpty() ? "" : "  " + TerminalText.line(String.join(", ", a.contact())))
          + (a.createdAt() == null ? "" : "  created " + TerminalText.line(a.createdAt())));
    }
    if (!lost.otherTables().isEmpty()) {
      StringBuilder b = new StringBuilder("Other records the current data lacks:");
      for (Map.Entry<String, Integer> e : lost.otherTables().entrySet()) {
        b.append(' ').append(TerminalText.line(e.getKey())).append(' ').append(e.getValue()).append(',');
      }
      out.println(b.substring(0, b.length() - 1));
    }
    if (lost.empty()) {
      out.println("Nothing lost: the current data holds every record of the previous data.");
    }
    out.flush();
  }
}
