package io.stepcarecovery.losses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the previous data (moved aside by a restore) holds that the current data (the restored
 * backup) lacks: certificates issued, revocations, ACME accounts; for every other table, how
 * many keys. Only keys live in the previous data and absent from the current count: what the
 * restore undid.
 *
 * @param damage where a value log could not be read to its end (then the listing may be short)
 * @param otherTables for the remaining tables, how many keys the current data lacks (non-zero only)
 */
public record LostRecords(String previous, String current, int previousLogs, int currentLogs,
    List<Certificate> certificates, List<Revocation> revocations, List<AcmeAccount> acmeAccounts,
    Map<String, Integer> otherTables, List<String> damage) {

  static final String CERTS = "x509_certs";
  static final String CERTS_DATA = "x509_certs_data";
  static final String REVOKED = "revoked_x509_certs";
  static final String ACCOUNTS = "acme_accounts";
  /** The tables whose lost records are printed one by one (the rest are counted). */
  private static final Set<String> PRINTED = Set.of(CERTS, CERTS_DATA, REVOKED, ACCOUNTS);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** @param subject null when the stored DER does not parse */
  public record Certificate(String serial, String serialHex, String subject, String notBefore, String notAfter,
      String provisioner) {
    Certificate withProvisioner(String name) {
      return new Certificate(serial, serialHex, subject, notBefore, notAfter, name);
    }
  }

  /** @param reasonCode RFC 5280 CRLReason as step-ca recorded it */
  public record Revocation(String serial, String serialHex, String revokedAt, int reasonCode, String reason,
      boolean acme) {}

  public record AcmeAccount(String id, String status, List<String> contact, String createdAt) {}

  public boolean empty() {
    return certificates.isEmpty() && revocations.isEmpty() && acmeAccounts.isEmpty() && otherTables.isEmpty();
  }

  /**
   * Reads both databases (each a badger directory, a STEPPATH or a moved-aside copy: see
   * {@link BadgerDir}) and compares them. Damage is reported in the result, not thrown.
   *
   * @throws java.io.IOException when a path holds no readable badger database
   */
  public static LostRecords compare(java.nio.file.Path previous, java.nio.file.Path current)
      throws java.io.IOException {
    return compare(StepCaData.read(BadgerDir.find(previous)), StepCaData.read(BadgerDir.find(current)));
  }

  static LostRecords compare(StepCaData previous, StepCaData current) throws java.io.IOException {
    KeyIndex lost = previous.index().liveNotIn(current.index());
    // One more pass over the previous data's logs: only what it lost is decoded, only what is
    // printed is parsed, each value as it is met.
    Map<String, Certificate> certs = new TreeMap<>();
    Map<String, String> provisioners = new TreeMap<>();
    Map<String, Revocation> revoked = new TreeMap<>();
    Map<String, AcmeAccount> accounts = new TreeMap<>();
    Map<String, Integer> others = new TreeMap<>();
    previous.visit(lost, PRINTED::contains, (table, key, value) -> {
      switch (table) {
        case CERTS -> certs.put(key, certificate(key, value));
        case CERTS_DATA -> {
          JsonNode j = json(value);
          provisioners.put(key, j == null ? null : text(j.path("provisioner"), "name"));
        }
        case REVOKED -> {
          JsonNode j = json(value);
          revoked.put(key, new Revocation(text(key), hex(key), text(j, "RevokedAt"),
              j == null ? 0 : j.path("ReasonCode").asInt(0), text(j, "Reason"),
              j != null && j.path("ACME").asBoolean(false)));
        }
        case ACCOUNTS -> {
          JsonNode j = json(value);
          List<String> contact = new ArrayList<>();
          if (j != null && j.path("contact").isArray()) {
            j.path("contact").forEach(c -> contact.add(c.asText()));
          }
          accounts.put(key, new AcmeAccount(text(key), text(j, "status"), contact, text(j, "createdAt")));
        }
        default -> others.merge(table, 1, Integer::sum);
      }
    });
    List<Certificate> certList = certs.entrySet().stream().map(e -> e.getValue().withProvisioner(
        provisioners.get(e.getKey()))).toList();
    List<String> damage = new ArrayList<>();
    previous.damage().forEach(d -> damage.add("previous " + d.describe()));
    current.damage().forEach(d -> damage.add("current " + d.describe()));
    return new LostRecords(previous.dir().toString(), current.dir().toString(), previous.logs(), current.logs(),
        certList, List.copyOf(revoked.values()), List.copyOf(accounts.values()), others, damage);
  }

  private static Certificate certificate(String serial, byte[] der) {
    String subject = null;
    String notBefore = null;
    String notAfter = null;
    if (der != null) {
      try {
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        subject = c.getSubjectX500Principal().getName();
        notBefore = c.getNotBefore().toInstant().toString();
        notAfter = c.getNotAfter().toInstant().toString();
      } catch (Exception | StackOverflowError e) {
        // Hostile or damaged DER: the serial (the key) is still listed.
      }
    }
    return new Certificate(text(serial), hex(serial), subject, notBefore, notAfter, null);
  }

  private static JsonNode json(byte[] b) {
    if (b == null) {
      return null;
    }
    try {
      return JSON.readTree(b);
    } catch (Exception e) {
      return null;
    }
  }

  private static String text(JsonNode j, String field) {
    return j == null || !j.hasNonNull(field) ? null : j.get(field).asText();
  }

  /** The stored key as text (step-ca's keys are ASCII; anything else reads as UTF-8). */
  private static String text(String latin1) {
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /** step-ca keys certificates by decimal serial; tools such as openssl print it in hex. */
  private static String hex(String serial) {
    if (serial.isEmpty() || serial.length() > 100 || !serial.chars().allMatch(Character::isDigit)) {
      return null;
    }
    String hex = new BigInteger(serial).toString(16).toUpperCase();
    return hex.length() % 2 == 0 ? hex : "0" + hex; // whole bytes, as openssl prints it
  }
}
