package io.stepcarecovery.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.stepcarecovery.archive.UnsafeArchiveException;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.restore.SandboxExtract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a sandbox's ca.json (from the backup: hostile) so that the sandbox step-ca serves on
 * its own loopback port from its own files: {@code address} a free loopback port,
 * {@code insecureAddress} off, every absolute path under what the backup restored (root, crt,
 * key, db.dataSource, db.valueDir, templates, ...) moved into the sandbox, and 127.0.0.1 among
 * the TLS names so the checks can reach it. A database or key left pointing outside the sandbox
 * would be production's: refused.
 */
final class SandboxCaJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BYTES = 4L << 20;

  private SandboxCaJson() {}

  static CaJson rewrite(Path caJson, Path fsRoot, List<String> roots, int port) throws IOException {
    return rewrite(caJson, fsRoot, roots, port, null);
  }

  /**
   * @param database for a CA on MySQL: the drill's throwaway copy of its database, which the
   *     sandbox uses instead of production's ({@code db.database}; the server is the same one)
   */
  static CaJson rewrite(Path caJson, Path fsRoot, List<String> roots, int port, String database) throws IOException {
    if (!Files.isRegularFile(caJson, LinkOption.NOFOLLOW_LINKS) || Files.size(caJson) > MAX_BYTES) {
      throw new UnsafeArchiveException("the backup's ca.json is missing or not a plain file under " + MAX_BYTES
          + " bytes in the sandbox (" + caJson + "); refused");
    }
    JsonNode tree = JSON.readTree(Files.readAllBytes(caJson));
    if (tree == null || !tree.isObject()) {
      throw new UnsafeArchiveException("the backup's ca.json is not a JSON object; refused");
    }
    ObjectNode root = (ObjectNode) tree;
    movePaths(root, fsRoot, roots);
    root.put("address", "127.0.0.1:" + port);
    if (database != null) {
      if (!root.path("db").isObject()) {
        throw new UnsafeArchiveException("the backup holds a database dump but its ca.json has no db section; refused");
      }
      ((ObjectNode) root.get("db")).put("database", database);
    }
    root.remove("insecureAddress");
    ArrayNode names = root.has("dnsNames") && root.get("dnsNames").isArray()
        ? (ArrayNode) root.get("dnsNames") : root.putArray("dnsNames");
    boolean loopback = false;
    for (JsonNode n : names) {
      loopback |= "127.0.0.1".equals(n.asText());
    }
    if (!loopback) {
      names.add("127.0.0.1");
    }
    Files.write(caJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    Files.setPosixFilePermissions(caJson, PosixFilePermissions.fromString("rw-------"));
    CaJson parsed = CaJson.read(caJson);
    if (parsed.db().isExternal() && (database == null || !database.equals(parsed.db().database()))) {
      throw new UnsafeArchiveException("the backup's ca.json names a " + parsed.db().type() + " database but the"
          + " drill has no copy of it: the sandbox would run on production's; refused");
    }
    for (Path p : new Path[] {parsed.root(), parsed.crt(), parsed.key(), parsed.db().dataSource(),
        parsed.db().valueDir()}) {
      if (p != null && !p.normalize().startsWith(fsRoot)) {
        throw new UnsafeArchiveException("the backup's ca.json names " + p + ", which the backup does not"
            + " hold: the sandbox would use production's file; refused");
      }
    }
    return parsed;
  }

  private static void movePaths(JsonNode node, Path fsRoot, List<String> roots) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (f.getValue().isTextual()) {
          String moved = moved(f.getValue().asText(), fsRoot, roots);
          if (moved != null) {
            f.setValue(TextNode.valueOf(moved));
          }
        } else {
          movePaths(f.getValue(), fsRoot, roots);
        }
      }
    } else if (node.isArray()) {
      ArrayNode a = (ArrayNode) node;
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          String moved = moved(a.get(i).asText(), fsRoot, roots);
          if (moved != null) {
            a.set(i, TextNode.valueOf(moved));
          }
        } else {
          movePaths(a.get(i), fsRoot, roots);
        }
      }
    }
  }

  /** The sandbox's copy of a production path the backup restored, else null (left as is). */
  private static String moved(String value, Path fsRoot, List<String> roots) {
    if (!value.startsWith("/") || value.contains("\0")) {
      return null;
    }
    Path p;
    try {
      p = Path.of(value).normalize();
    } catch (RuntimeException notAPath) {
      return null;
    }
    for (String r : roots) {
      if (p.startsWith(Path.of(r))) {
        return SandboxExtract.mirrored(fsRoot, p.toString()).toString();
      }
    }
    return null;
  }
}
