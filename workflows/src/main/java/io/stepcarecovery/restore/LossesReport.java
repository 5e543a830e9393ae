package io.stepcarecovery.restore;

import io.stepcarecovery.probe.Platform;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Composes a run's {@link Losses} from what the workflow already holds (the verified backup, the
 * paths moved aside, the configured ingresses) and the workflow's clock: no I/O, deterministic.
 */
public final class LossesReport {
  private LossesReport() {}

  /**
   * @param ca the CA's name, host and URL, for the commands
   * @param movedAside the live paths the restore moved aside (empty: there was no live data)
   * @param rolledBack the run put the previous data back (nothing is lost then)
   * @param replacedAtMillis when the restored data replaced the live data (workflow clock)
   */
  public static Losses compose(io.stepcarecovery.ca.CaDescription ca, RestorePlan plan, String tag,
      List<String> movedAside, boolean rolledBack, List<Platform.Ingress> ingress, long replacedAtMillis) {
    long age = ageSeconds(plan.createdAt(), replacedAtMillis);
    List<String> acmeClients = ingress.stream().filter(Platform.Ingress::hasAcmeJson)
        .map(i -> i.name() + " on " + i.host()).toList();
    if (rolledBack) {
      return new Losses(plan.backupId(), plan.createdAt(), age, false, "nothing lost: the run rolled back and the"
          + " previous data serves again, with everything it recorded", acmeClients, List.of(), List.of(),
          List.of(), List.of());
    }
    String since = plan.createdAt() + (age < 0 ? "" : " (" + human(age) + " before the restore)");
    List<String> previous = previousData(plan, tag, movedAside);
    List<String> commands = new ArrayList<>();
    boolean badgerV2 = "badgerv2".equals(plan.dbType());
    if (badgerV2) {
      for (String aside : previous) {
        commands.add("stepca-recovery losses --previous " + aside + " --current "
            + aside.substring(0, aside.length() - (".pre-restore-" + tag).length()));
      }
    }
    List<String> steps = new ArrayList<>();
    steps.add("ACME accounts registered after " + plan.createdAt() + " are unknown to the CA: their clients"
        + " fail at new-order (step-ca logs error=\"not found\") until they register again; orders and"
        + " challenges in flight are gone too. "
        + (acmeClients.isEmpty() ? "No ACME client is configured here."
            : "Configured: " + String.join(", ", acmeClients) + " (recover --clear-acme-account clears their"
                + " accounts and restarts them).")
        + " Any other client: delete its stored account so it registers anew — Traefik: the resolver's"
        + " Account in acme.json, then restart; lego: <path>/accounts/<CA host_port>/<email>/; certbot: this"
        + " CA's directory under /etc/letsencrypt/accounts/; cert-manager: the Issuer's privateKeySecretRef"
        + " secret.");
    steps.add("Certificates issued after " + plan.createdAt() + " are unknown to the CA's database: they stay"
        + " valid (same root) until they expire; one that must go is revoked by serial without its record:"
        + " step ca revoke <serial> --ca-url " + ca.url() + " --root <root_ca.crt>.");
    steps.add("Revocations made after " + plan.createdAt() + " are undone: those certificates are valid again and"
        + " the CA renews them. Revoke each again: step ca revoke <serial> --reasonCode <code> --reason '<why>'"
        + " --ca-url " + ca.url() + " --root <root_ca.crt>.");
    if (!commands.isEmpty()) {
      steps.add("To list them (certificates, revocations, ACME accounts the backup lacks), on " + ca.host()
          + ": " + String.join("; ", commands) + " (read-only; the CA may keep running).");
    } else if (plan.databaseDump() != null) {
      String db = plan.databaseDump().database();
      String prev = DatabaseNames.previous(db, tag);
      boolean kept = previous.stream().anyMatch(p -> p.startsWith(DatabaseNames.shown(prev) + " on "));
      steps.add(kept ? "The previous database is kept as " + prev + " (and the previous files at "
          + String.join(", ", previous.stream().filter(p -> p.startsWith("/")).toList()) + " on " + ca.host()
          + "): what the CA recorded after the backup is what it holds beyond the restored " + db + ", e.g."
          + " SELECT nkey FROM " + prev + ".x509_certs WHERE nkey NOT IN (SELECT nkey FROM " + db + ".x509_certs)"
          + " lists the serials (decimal) of the certificates issued since; likewise revoked_x509_certs and"
          + " acme_accounts. Drop " + prev + " once nothing in it is needed."
          : "The CA's database " + db + " was missing or empty when it was restored, so what the CA recorded"
              + " after the backup cannot be listed from it: look for certificates issued after " + plan.createdAt()
              + " where clients keep them (ACME clients' stores and logs).");
    } else if (!previous.isEmpty()) {
      steps.add("The previous data lies at " + String.join(", ", previous) + " on " + ca.host() + ", in step-ca's"
          + " '" + plan.dbType() + "' database, which stepca-recovery losses does not read: compare its tables"
          + " x509_certs, revoked_x509_certs and acme_accounts with the restored ones by hand (a copy opened"
          + " with that database's own tools).");
    } else {
      steps.add("No live data was there to move aside, so what the CA recorded after the backup cannot be"
          + " listed: look for certificates issued after " + plan.createdAt() + " where clients keep them"
          + " (ACME clients' stores and logs) and for revocations in the CA's log, if it was kept elsewhere.");
    }
    String summary = "restored from backup " + plan.backupId() + " made " + since + ": whatever the CA"
        + " recorded since is gone from it — ACME accounts, orders and certificates created since are unknown"
        + " to the CA, and revocations made since are undone";
    return new Losses(plan.backupId(), plan.createdAt(), age, true, summary, acmeClients, List.of(), steps,
        previous, commands);
  }

  /**
   * The moved-aside roots and, for an SQL CA, the database its previous tables were kept in (not
   * what the same run put aside on a rollback).
   */
  private static List<String> previousData(RestorePlan plan, String tag, List<String> movedAside) {
    List<String> previous = new ArrayList<>(
        plan.roots().stream().map(r -> r + ".pre-restore-" + tag).filter(movedAside::contains).toList());
    if (plan.databaseDump() != null) {
      String kept = DatabaseNames.shown(DatabaseNames.previous(plan.databaseDump().database(), tag)) + " on ";
      movedAside.stream().filter(m -> m.startsWith(kept)).forEach(previous::add);
    }
    return previous;
  }

  static long ageSeconds(String createdAt, long nowMillis) {
    try {
      long age = (nowMillis - Instant.parse(createdAt).toEpochMilli()) / 1000;
      return age < 0 ? -1 : age;
    } catch (DateTimeParseException | NullPointerException e) {
      return -1;
    }
  }

  static String human(long seconds) {
    if (seconds < 120) {
      return seconds + " s";
    }
    if (seconds < 2 * 3600) {
      return seconds / 60 + " min";
    }
    if (seconds < 2 * 86400) {
      return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
    return seconds / 86400 + " days " + seconds % 86400 / 3600 + " h";
  }
}
