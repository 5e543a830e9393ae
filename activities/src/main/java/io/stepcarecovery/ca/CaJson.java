package io.stepcarecovery.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of step-ca's ca.json this tool relies on. step-ca writes absolute paths into it
 * (root, crt, key, db.dataSource), so the data to back up is found from here, not guessed.
 */
public record CaJson(
    Path file,
    Path root,
    Path crt,
    Path key,
    String address,
    List<String> dnsNames,
    Db db,
    List<Provisioner> provisioners) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param type step-ca's db.type; empty when the CA runs without a database
   * @param dataSource the database's path (file databases; null for SQL ones)
   * @param dsn an SQL database's dataSource as written, password included: never log or return it
   * @param database an SQL database's {@code database} (null for file databases)
   */
  public record Db(String type, Path dataSource, Path valueDir, String dsn, String database) {
    public Db(String type, Path dataSource, Path valueDir) {
      this(type, dataSource, valueDir, null, null);
    }

    /** Neither the DSN nor the password ever shows in a record's text. */
    @Override
    public String toString() {
      return "Db[type=" + type + ", dataSource=" + dataSource + ", valueDir=" + valueDir
          + ", database=" + database + "]";
    }

    public boolean isMysql() {
      return type.equals("mysql");
    }

    public boolean isBadger() {
      return type.equals("badger") || type.equals("badgerv1") || type.equals("badgerv2");
    }

    public boolean isBbolt() {
      return type.equals("bbolt");
    }

    public boolean isExternal() {
      return type.equals("mysql") || type.equals("postgresql");
    }

    public boolean isNone() {
      return type.isEmpty();
    }
  }

  /** @param kid the JWK key id of a JWK provisioner; null for other types */
  public record Provisioner(String name, String type, String kid, String encryptedKey) {}

  public Optional<Provisioner> provisioner(String name) {
    return provisioners.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public static CaJson read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("ca.json not found at " + file + ": check 'caConfig' in the config"
          + " (step-ca's --config path, usually $STEPPATH/config/ca.json)");
    } catch (AccessDeniedException e) {
      throw new ConfigException("cannot read ca.json at " + file + ": permission denied for the worker's user");
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + " is not valid JSON (line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "): " + e.getOriginalMessage()
          + "; restore a good ca.json from a backup or fix it by hand");
    } catch (IOException e) {
      throw new ConfigException("cannot read ca.json at " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(file + " is not a step-ca configuration: expected a JSON object");
    }
    Path rootCert = path(file, root, "root", true);
    Path crt = path(file, root, "crt", true);
    Path key = path(file, root, "key", false);
    JsonNode dbNode = root.path("db");
    Db db;
    if (dbNode.isMissingNode() || dbNode.isNull()) {
      db = new Db("", null, null);
    } else {
      String type = dbNode.path("type").asText("");
      if (type.isEmpty()) {
        throw new ConfigException(file + ": key 'db.type' is missing: expected badgerv2, badger,"
            + " bbolt, mysql or postgresql");
      }
      Path dataSource = null;
      String dsn = null;
      String database = null;
      if (!type.equals("mysql") && !type.equals("postgresql")) {
        dataSource = path(file, dbNode, "dataSource", true);
      } else {
        dsn = dbNode.path("dataSource").isTextual() ? dbNode.path("dataSource").asText() : null;
        database = dbNode.path("database").isTextual() ? dbNode.path("database").asText() : null;
      }
      Path valueDir = dbNode.hasNonNull("valueDir") ? path(file, dbNode, "valueDir", true) : null;
      db = new Db(type, dataSource, valueDir, dsn, database);
    }
    List<String> dns = new ArrayList<>();
    root.path("dnsNames").forEach(n -> dns.add(n.asText()));
    List<Provisioner> provisioners = new ArrayList<>();
    for (JsonNode p : root.path("authority").path("provisioners")) {
      provisioners.add(new Provisioner(p.path("name").asText(""), p.path("type").asText(""),
          p.path("key").path("kid").isMissingNode() ? null : p.path("key").path("kid").asText(),
          p.path("encryptedKey").isMissingNode() ? null : p.path("encryptedKey").asText()));
    }
    return new CaJson(file, rootCert, crt, key, root.path("address").asText(""), List.copyOf(dns),
        db, List.copyOf(provisioners));
  }

  private static Path path(Path file, JsonNode parent, String field, boolean required) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull() || n.asText().isEmpty()) {
      if (required) {
        throw new ConfigException(file + ": key '" + field + "' is missing: expected the absolute path step-ca uses");
      }
      return null;
    }
    String value = n.asText();
    if (value.contains("://") || value.startsWith("pkcs11:") || value.startsWith("yubikey:")) {
      // A KMS URI (cloud KMS, PKCS#11, YubiKey): nothing on disk to back up.
      return null;
    }
    Path p = Path.of(value);
    // step-ca resolves relative paths against $STEPPATH; ca.json sits in $STEPPATH/config.
    return p.isAbsolute() ? p.normalize() : StepPath.of(file).resolve(p).normalize();
  }
}
