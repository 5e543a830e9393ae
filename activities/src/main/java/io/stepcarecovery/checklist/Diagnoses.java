package io.stepcarecovery.checklist;

import java.nio.file.Path;

/**
 * The failure-mode table: symptom → likely cause (diagnosis) → what to do (action). The
 * runbook's four rows ("Certificates invalid / Wrong data directory restored", "ACME failing /
 * Provisioner misconfiguration", "Browser TLS warning / Root CA not trusted", "Service not
 * starting / Permissions incorrect") plus the ones step-ca users hit after a restore. One place,
 * so the workflows' checklist and the CLI print the same words.
 *
 * <p>Every text here is built from names, paths, fingerprints and observed messages only; never
 * a password, key or token.
 */
public final class Diagnoses {
  private Diagnoses() {}

  /** A diagnosis and the action that fixes it. */
  public record Diagnosis(String diagnosis, String action) {}

  // ------------------------------------------------------------------ runbook rows

  /** Runbook: "Certificates invalid" → "Wrong data directory restored" → "Restore correct backup". */
  public static Diagnosis wrongDataDirectory(String servedRootFp, String trustedRootFp) {
    return new Diagnosis("Certificates invalid: wrong data directory restored — the CA now signs with root "
        + servedRootFp + ", clients trust root " + trustedRootFp,
        "Restore the correct backup (its manifest's root fingerprint must equal the trusted root "
            + trustedRootFp + "); do not redistribute a new root unless the root really changed");
  }

  /** Runbook: "ACME failing" → "Provisioner misconfiguration" → "Verify ca.json provisioners". */
  public static Diagnosis acmeProvisionerMissing(String provisioner) {
    return new Diagnosis("Provisioner misconfiguration: no ACME provisioner named " + provisioner + " in ca.json",
        "Verify ca.json provisioners (authority.provisioners has an ACME provisioner named " + provisioner
            + ") or fix acme.provisioner in the config");
  }

  /** Runbook: "Browser TLS warning" → "Root CA not trusted" → "Reinstall root certificate". */
  public static Diagnosis rootNotTrusted(String servedRootFp, String trustedRootFp) {
    String served = servedRootFp == null ? "an unknown root" : "root " + servedRootFp;
    return new Diagnosis("Root CA not trusted on clients: the CA serves a chain from " + served
        + ", clients trust " + trustedRootFp,
        "Reinstall the root certificate on clients, or — if the CA's root changed — the wrong data directory"
            + " was restored: restore the correct backup");
  }

  /** The CA's chain comes from the trusted root but still does not verify (expired or broken intermediate). */
  public static Diagnosis caChainInvalid(String problem) {
    return new Diagnosis("The CA's certificate chain comes from the trusted root but does not verify: " + problem,
        "See 'Intermediate CA valid': renew the intermediate with the root, or restore the backup that holds a"
            + " valid one");
  }

  /** Runbook: "Browser TLS warning" for a service: its certificate does not chain to the trusted root. */
  public static Diagnosis browserRootNotTrusted(String url, String trustedRootFp) {
    return new Diagnosis("Browser TLS warning: root CA not trusted — the certificate " + url
        + " presents does not chain to the trusted root " + trustedRootFp,
        "Reinstall the root certificate on clients; if the service's certificate comes from another CA,"
            + " restart Traefik so it renews from the internal CA");
  }

  /** Runbook: "Service not starting" → "Permissions incorrect" → "Fix ownership and permissions". */
  public static Diagnosis permissions(String owner, Path stepPath) {
    String who = owner == null || owner.isBlank() ? "the CA's service user" : owner;
    String where = stepPath == null ? "the CA's data directory" : stepPath.toString();
    return new Diagnosis("Service not starting: permissions incorrect — step-ca cannot read or write its files"
        + " (permission denied)",
        "Fix ownership and modes: chown -R " + who + " " + where
            + "; keys in secrets/ mode 0600, directories 0700; then start step-ca");
  }

  // ------------------------------------------------------------------ what users hit after a restore

  public static Diagnosis wrongCaPasswordFile() {
    return new Diagnosis("Wrong password file for the CA keys: step-ca cannot decrypt its intermediate key"
        + " (decryption password incorrect)",
        "Start step-ca with the password file that belongs to this CA's keys (--password-file); if the keys"
            + " came from another backup than the password, restore the matching backup");
  }

  public static Diagnosis dbTypeMismatch() {
    return new Diagnosis("Database type mismatch: the badger files were written by another badger version"
        + " than ca.json's db.type selects (manifest has unsupported version)",
        "Set db.type in ca.json to the version that wrote the files (badger vs badgerv2), or restore the"
            + " backup that matches this step-ca");
  }

  /** badger cannot open its own files: the database is damaged, not misconfigured. */
  public static Diagnosis corruptDatabase(Path stepPath) {
    return new Diagnosis("Corrupt database: badger cannot open the CA's database files (bad MANIFEST or"
        + " table checksums)" + (stepPath == null ? "" : " under " + stepPath),
        "Do not retry the start; restore the latest good backup (recover), which keeps the damaged data"
            + " moved aside for examination");
  }

  public static Diagnosis tornBadgerCopy() {
    return new Diagnosis("Torn database copy: the badger directory was copied while step-ca was running"
        + " (Value log truncate required)",
        "Restore a backup taken with the CA stopped (stop, copy, start); do not copy badger while it runs");
  }

  public static Diagnosis missingFile() {
    return new Diagnosis("Wrong data directory or a missing file: a path ca.json names does not exist"
        + " (no such file or directory)",
        "Check that the backup was restored to the paths ca.json names (root, crt, key, db.dataSource are"
            + " absolute), or restore the correct backup");
  }

  public static Diagnosis addressInUse(String address) {
    return new Diagnosis("Address already in use: another process (an old step-ca?) holds "
        + (address == null || address.isBlank() ? "the CA's port" : address),
        "Stop the other process (ss -ltnp shows it), then start step-ca");
  }

  public static Diagnosis startupError() {
    return new Diagnosis("Step-CA logged an error at startup",
        "Read the CA log around the quoted line; compare with the runbook's failure modes");
  }

  public static Diagnosis notRunning() {
    return new Diagnosis("Step-CA is not running",
        "Start it (systemctl start step-ca / docker start <container>) and read its log");
  }

  public static Diagnosis serviceControlBroken(String message) {
    return new Diagnosis("The service state could not be read: " + message,
        "Check the CA's service settings in the config (unit, container, status command)");
  }

  public static Diagnosis caUnreachable(String url) {
    return new Diagnosis("Step-CA not reachable at " + url,
        "Start step-ca and check 'Step-CA running' / 'No startup errors'; check the url in the config");
  }

  public static Diagnosis acmeNonceFailed(int code) {
    return new Diagnosis("ACME new-nonce failed (HTTP " + code + "): the CA cannot write to its database",
        "Read the CA log; the database may be damaged or unwritable: fix permissions or restore a backup"
            + " taken with the CA stopped");
  }

  public static Diagnosis acmeDirectoryInvalid() {
    return new Diagnosis("ACME failing: the directory answer is not a valid ACME directory",
        "Check that the url in the config points at step-ca (not a proxy's error page) and that the"
            + " provisioner is of type ACME");
  }

  // ------------------------------------------------------------------ the ACME flow (account, order, challenge, finalize)
  // The CA's problem is quoted as "type: detail" (RFC 8555 section 6.7); a problem never holds a key.

  public static Diagnosis acmeAccountFailed(String problem) {
    return new Diagnosis("ACME failing: the CA refused a new account (" + problem + ")",
        "Read the CA log at the time of the check (new-account); check the ACME provisioner's options in"
            + " ca.json and that the CA can write its database");
  }

  public static Diagnosis acmeOrderFailed(String identifier, String problem) {
    return new Diagnosis("ACME failing: the CA refused an order for " + identifier + " (" + problem + ")",
        "Read the CA log (new-order); check that the ACME provisioner's policy and claims in ca.json allow "
            + identifier + ", or set acme.identifier to a name it may issue for");
  }

  public static Diagnosis acmeChallengeNotOffered(String type, String identifier, String offered) {
    return new Diagnosis("ACME failing: the CA does not offer " + type + " for " + identifier
        + " (it offers " + (offered.isEmpty() ? "none" : offered) + ")",
        "Set acme.challenge.type to one the CA offers, or enable " + type + " on the ACME provisioner in ca.json");
  }

  public static Diagnosis acmeResponderUnavailable(String listen, String message) {
    return new Diagnosis("The ACME check could not answer the challenge: it cannot listen on " + listen
        + " (" + message + ")",
        "Free " + listen + " (ss -ltnp shows who holds it), run the worker with the right to bind it (ports"
            + " below 1024 need root or CAP_NET_BIND_SERVICE), or change acme.challenge.listen");
  }

  /** The CA could not validate the identifier against the check's own responder. */
  public static Diagnosis acmeChallengeFailed(String type, String identifier, String listen, String problem) {
    int port = "tls-alpn-01".equals(type) ? 443 : 80;
    return new Diagnosis("ACME challenge failed: the CA could not validate " + identifier + " by " + type
        + " against this check's responder on " + listen + " (" + problem + ")",
        "On the CA host, " + identifier + " must resolve to the address of " + listen + " and port " + port
            + " there must reach it (firewall, another server on the port, a proxy in between); fix that, or"
            + " set acme.identifier and acme.challenge.listen to a name and address the CA reaches");
  }

  public static Diagnosis acmeFinalizeFailed(String problem) {
    return new Diagnosis("ACME finalize failed: the CA validated the order but did not issue (" + problem + ")",
        "Read the CA log (finalize); check the ACME provisioner's template and claims in ca.json and that the"
            + " CA can sign (intermediate key and password)");
  }

  public static Diagnosis acmeTimedOut(String stage, long seconds, String status) {
    return new Diagnosis("ACME " + stage + " did not finish within " + seconds + " s (status still " + status + ")",
        "Read the CA log for the order; a CA under load or with a slow database answers late; run verify again");
  }

  public static Diagnosis intermediateExpired() {
    return new Diagnosis("Intermediate CA expired",
        "Renew the intermediate certificate (sign a new one with the root), or restore the backup that"
            + " holds the current intermediate");
  }

  public static Diagnosis intermediateExpiringSoon(long days) {
    return new Diagnosis("Intermediate CA expires in " + days + " day(s)",
        "Renew the intermediate certificate with the root key before it expires");
  }

  public static Diagnosis caNameMismatch(String host) {
    return new Diagnosis("The CA's TLS certificate does not name " + host,
        "Use a CA url whose host is in ca.json dnsNames, or add the host to dnsNames and restart step-ca");
  }

  // ------------------------------------------------------------------ issuance

  public static Diagnosis passwordFileMissing(Path file) {
    return new Diagnosis("Wrong or missing provisioner password file: " + file + " cannot be read",
        "Create the file with the provisioner's password (mode 0600, readable by the worker) or fix"
            + " issuance.passwordFile in the config");
  }

  public static Diagnosis wrongProvisionerPassword(Path file) {
    return new Diagnosis("Wrong provisioner password (issuance.passwordFile): " + file
        + " does not decrypt the provisioner key",
        "Put the provisioner's password in " + file + ", or — if ca.json was restored from another backup —"
            + " use that backup's password");
  }

  public static Diagnosis issuanceProvisionerMissing(String provisioner) {
    return new Diagnosis("Provisioner misconfiguration: no JWK provisioner named " + provisioner + " in ca.json",
        "Verify ca.json provisioners (authority.provisioners has a JWK provisioner named " + provisioner
            + " with an encryptedKey) or fix issuance.provisioner in the config");
  }

  public static Diagnosis tokenRejected(String url) {
    return new Diagnosis("Token rejected (HTTP 401): clock skew between this machine and the CA, a"
        + " provisioner that differs from the CA's, a token minted before the CA started, or an audience"
        + " the CA does not accept (the host of " + url + " must be in ca.json dnsNames)",
        "Check the clocks (NTP) on both machines, that the CA runs the ca.json this check read, and the"
            + " CA url; then run the check again");
  }

  public static Diagnosis issuanceFailed(int code) {
    return new Diagnosis("Certificate issuance failed (HTTP " + code + ")",
        "Read the CA log for the request; check the provisioner's policy and claims in ca.json");
  }

  public static Diagnosis issuedCertificateInvalid(String trustedRootFp) {
    return new Diagnosis("Certificates invalid: the CA issued a certificate that does not chain to the"
        + " trusted root " + trustedRootFp + " (wrong data directory restored?)",
        "Restore the correct backup (root fingerprint " + trustedRootFp + "), or reinstall the root on clients"
            + " if the root really changed");
  }

  public static Diagnosis issuedWrongSubject(String subject, String names) {
    return new Diagnosis("Certificate issuance faulty: asked for " + subject + ", the CA issued a certificate for "
        + names, "Check the provisioner's certificate template and options in ca.json");
  }

  public static Diagnosis caIntermediateMissing() {
    return new Diagnosis("The CA presents no intermediate certificate that signed its TLS certificate",
        "Check crt in ca.json (the intermediate certificate) and restore the correct backup if it was replaced");
  }

  // ------------------------------------------------------------------ services (Traefik and the apps)

  public static Diagnosis serviceCertNotFromCa(String url, String issuer) {
    return new Diagnosis("Certificates invalid: " + url + " serves a certificate issued by " + issuer
        + ", not by the internal CA (Traefik's default or a stale certificate)",
        "Restart Traefik so it renews from the CA; if renewal fails with HTTP 500 on account lookup"
            + " after a restore, clear the stale ACME account in acme.json and restart Traefik again");
  }

  public static Diagnosis chainIncomplete(String url) {
    return new Diagnosis("Certificate chain incomplete: " + url + " does not send the intermediate CA",
        "Serve the full chain (leaf + intermediate): restart Traefik so it stores the chain step-ca returns,"
            + " or fix the service's certificate file");
  }

  public static Diagnosis hostnameMismatch(String url, String host, String names) {
    return new Diagnosis("Browser TLS warning: hostname mismatch — the certificate of " + url + " names "
        + names + ", not " + host,
        "Fix the router's host rule/certificate domains so Traefik requests a certificate for " + host
            + ", then restart Traefik so it renews from the CA");
  }

  public static Diagnosis certificateExpired(String url) {
    return new Diagnosis("Certificates invalid: the certificate of " + url + " has expired",
        "Restart Traefik so it renews from the CA; if renewal fails with HTTP 500 on account lookup after a"
            + " restore, clear the stale ACME account in acme.json and restart Traefik again");
  }

  public static Diagnosis serviceUnreachable(String url) {
    return new Diagnosis("Application not reachable at " + url,
        "Check that the application and Traefik are running and that " + url + " routes to them");
  }

  public static Diagnosis applicationError(String url, int code) {
    return new Diagnosis("Application answers HTTP " + code + " at " + url,
        "Check the application behind Traefik (its log); TLS itself is fine");
  }

  /** After restoring an older DB the CA no longer knows Traefik's ACME account (step-ca < 0.26.2: HTTP 500). */
  public static Diagnosis staleAcmeAccount() {
    return new Diagnosis("Stale ACME account: Traefik's stored account is unknown to the restored CA"
        + " (HTTP 500 on account lookup)",
        "Clear the account in Traefik's acme.json (or the certificates resolver's entry) and restart Traefik");
  }

  // ------------------------------------------------------------------ the CA's database (db.type mysql)
  // Said from step-ca's startup log (its "Error opening database ..." line, quoted redacted: it
  // holds the DSN with the password) and from the checklist's database item (the client's ERROR
  // number). Names (user, database, address) may be null when only the log line is known.

  /** step-ca's "dial tcp ...: connection refused" / client ERROR 2002, 2003, 2005, 2013. */
  public static Diagnosis databaseUnreachable(String address) {
    String where = address == null ? "the address in ca.json db.dataSource" : address;
    return new Diagnosis("Database unreachable: no MySQL/MariaDB server answers at " + where
        + " (the server is stopped, or db.dataSource names the wrong host, port or socket, or a firewall is in"
        + " between); step-ca exits at once when it cannot open its database",
        "Start the database server (systemctl start mariadb; `mariadb-admin ping` must answer) or fix the"
            + " address in ca.json db.dataSource, then start step-ca");
  }

  /** Error 1045: the server refuses the user/password pair of the DSN. */
  public static Diagnosis databaseAccessDenied(String user, String address) {
    String who = user == null ? "the user" : "user '" + user + "'";
    return new Diagnosis("Database access denied: the server" + (address == null ? "" : " at " + address)
        + " refuses " + who + " with the password in ca.json db.dataSource (the password was changed on the"
        + " server or in ca.json, or the user is not allowed from this host)",
        "Make the two agree: on the server ALTER USER " + (user == null ? "'USER'" : "'" + user + "'")
            + "@'THIS-HOST' IDENTIFIED BY the password ca.json holds, or put the current password into"
            + " db.dataSource (never into a ticket or chat); then start step-ca");
  }

  /** Error 1044: logged in, but not allowed to use (or, when it is gone, create) the database. */
  public static Diagnosis databaseAccessDeniedToDatabase(String user, String database) {
    String db = database == null ? "the CA's database" : "database " + database;
    String who = user == null ? "the CA's user" : "user '" + user + "'";
    return new Diagnosis("Database access denied to " + db + ": " + who + " logs in but may not use it — its"
        + " privileges were revoked, or the database was dropped and the user may not create it (step-ca runs"
        + " CREATE DATABASE IF NOT EXISTS at every start)",
        "If the database was dropped, restore it (stepca-recovery recover loads the last backup's dump); give"
            + " the user back its rights (GRANT ALL PRIVILEGES ON `" + (database == null ? "DB" : database)
            + "`.* TO '" + (user == null ? "USER" : user) + "'@'THIS-HOST'); then start step-ca");
  }

  /** Error 1049: the database ca.json names does not exist. */
  public static Diagnosis databaseUnknown(String database) {
    String db = database == null ? "the database ca.json db.database names" : "database " + database;
    return new Diagnosis("Unknown database: " + db + " does not exist on the server (dropped, a restore that"
        + " did not finish, or a misspelt db.database)",
        "Restore it from the last backup (stepca-recovery recover loads its dump) or fix db.database in ca.json."
            + " Do not just restart step-ca: it would create the database empty and issue on it, without the"
            + " certificates, revocations and ACME accounts it held");
  }

  /** The database exists but lacks tables step-ca 0.19 creates at every start. */
  public static Diagnosis databaseTablesMissing(String database, java.util.List<String> missing) {
    return new Diagnosis("Database " + database + " lacks " + missing.size() + " table(s) step-ca creates at"
        + " start: " + String.join(", ", missing) + " (an incomplete dump was loaded, the tables were dropped,"
        + " or step-ca never started on this database)",
        "Restore the backup's dump (stepca-recovery recover); for a new CA, start step-ca once and it creates"
            + " them");
  }

  /** The database check failed in a way none of the rows above names (TLS, server error). */
  public static Diagnosis databaseCheckFailed(String message) {
    return new Diagnosis("The CA's database refused the check: " + message,
        "Read the error; check ca.json db.dataSource (address, ?tls= parameter) and the database server's log");
  }
}
