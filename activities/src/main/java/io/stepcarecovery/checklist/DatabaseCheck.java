package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.SERVICE_STATUS;

import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.sqldb.MysqlDsn;
import io.stepcarecovery.sqldb.MysqlQuery;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "CA database reachable", for a CA whose ca.json says {@code db.type: mysql}: the server answers
 * to step-ca's own credentials (the DSN in ca.json, read on the CA host, where the other host
 * checks run), the database ca.json names exists, and it holds the tables step-ca needs.
 *
 * <p>Which tables: step-ca 0.19 does not create them lazily. Every start runs CREATE TABLE IF NOT
 * EXISTS for the 9 authority tables (certificates/db/db.go) and, since ca.json has a database, the
 * 12 ACME ones (acme/db/nosql); a fresh lab CA has exactly these 21. {@code admins} and
 * {@code provisioners} exist only with authority.enableAdmin, so they are not required. Missing
 * tables on a running CA mean it was given an incomplete database behind its back.
 *
 * <p>The detail quotes the address, user and database name, never the DSN: it holds the password.
 */
final class DatabaseCheck {
  static final String ITEM = "CA database reachable";
  static final List<String> REQUIRED_TABLES = List.of(
      // certificates/db/db.go
      "x509_certs", "x509_certs_data", "revoked_x509_certs", "used_ott", "ssh_certs", "ssh_hosts",
      "ssh_users", "ssh_host_principals", "revoked_ssh_certs",
      // acme/db/nosql/nosql.go
      "acme_accounts", "acme_keyID_accountID_index", "acme_authzs", "acme_challenges", "nonces", "acme_orders",
      "acme_account_orders_index", "acme_certs", "acme_serial_certs_index", "acme_external_account_keys",
      "acme_external_account_keyID_reference_index", "acme_external_account_keyID_provisionerID_index");
  /** Within the host check's 45 s: connecting is bounded by the client's connect-timeout (5 s) anyway. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(10);

  private DatabaseCheck() {}

  /** The item when ca.json (readable here) puts the CA's database in MySQL; empty otherwise. */
  static Optional<ChecklistItem> check(CaConfig c) {
    Optional<CaJson> json = CaSide.readCaJson(c);
    if (json.isEmpty() || !json.get().db().isMysql()) {
      return Optional.empty();
    }
    return Optional.of(check(json.get().db(), c.caConfig().toString()));
  }

  static ChecklistItem check(CaJson.Db db, String caJson) {
    MysqlDsn dsn;
    String database;
    try {
      dsn = MysqlDsn.parse(db.dsn(), caJson + " db.dataSource");
      database = MysqlDsn.database(db.database(), caJson + " db.database");
    } catch (ConfigException e) {
      return ChecklistItem.failed(SERVICE_STATUS, ITEM, e.getMessage(), "ca.json's database settings cannot be used",
          "Fix db.dataSource (user:password@tcp(host:port)/) and db.database in ca.json");
    }
    String who = "as " + dsn.user() + " at " + dsn.address() + ", database " + database;
    MysqlQuery.Result r;
    try {
      MysqlQuery.client();
      r = MysqlQuery.run(dsn, database, "SELECT VERSION(); SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = DATABASE()", TIMEOUT);
    } catch (ConfigException e) {
      return ChecklistItem.skipped(SERVICE_STATUS, ITEM, e.getMessage());
    } catch (IOException e) {
      return ChecklistItem.skipped(SERVICE_STATUS, ITEM, "the database client could not run: " + e.getMessage());
    }
    if (!r.ok()) {
      Diagnosis d = diagnose(r, dsn, database);
      return ChecklistItem.failed(SERVICE_STATUS, ITEM, who + ": " + CheckText.short200(r.error()),
          d.diagnosis(), d.action());
    }
    String version = r.rows().isEmpty() ? "?" : r.rows().get(0);
    Set<String> present = new HashSet<>(r.rows().subList(Math.min(1, r.rows().size()), r.rows().size()));
    List<String> missing = REQUIRED_TABLES.stream().filter(t -> !present.contains(t)).toList();
    String server = "server " + version + " " + who;
    if (!missing.isEmpty()) {
      Diagnosis d = Diagnoses.databaseTablesMissing(database, missing);
      return ChecklistItem.failed(SERVICE_STATUS, ITEM, server + ": " + (REQUIRED_TABLES.size() - missing.size())
          + " of the " + REQUIRED_TABLES.size() + " tables step-ca needs", d.diagnosis(), d.action());
    }
    return ChecklistItem.passed(SERVICE_STATUS, ITEM, server + ": all " + REQUIRED_TABLES.size()
        + " tables step-ca needs" + certificates(dsn, database));
  }

  /** How many certificates the database holds: a restore that lost them shows here. Best effort. */
  private static String certificates(MysqlDsn dsn, String database) {
    try {
      MysqlQuery.Result n = MysqlQuery.run(dsn, database, "SELECT COUNT(*) FROM x509_certs", COUNT_TIMEOUT);
      return n.ok() && n.rows().size() == 1 ? "; x509_certs holds " + n.rows().get(0) + " certificate(s)" : "";
    } catch (IOException e) {
      return "";
    }
  }

  static Diagnosis diagnose(MysqlQuery.Result r, MysqlDsn dsn, String database) {
    return switch (r.errorCode()) {
      case 2002, 2003, 2005, 2006, 2013 -> Diagnoses.databaseUnreachable(dsn.address());
      case 1045 -> Diagnoses.databaseAccessDenied(dsn.user(), dsn.address());
      case 1044 -> Diagnoses.databaseAccessDeniedToDatabase(dsn.user(), database);
      case 1049 -> Diagnoses.databaseUnknown(database);
      default -> r.exit() < 0 ? Diagnoses.databaseUnreachable(dsn.address())
          : Diagnoses.databaseCheckFailed(CheckText.short200(r.error()));
    };
  }
}
