package io.stepcarecovery.ingress;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Traefik's acme.json, read the way Traefik reads it (pkg/provider/acme/local_store.go,
 * account.go): an object of resolvers, each {@code {"Account": {"Email", "Registration": {"body",
 * "uri"}, "PrivateKey", "KeyType"}, "Certificates": [{"domain": {"main", "sans"}, "certificate",
 * "key", "Store"}]}}. Go encodes {@code []byte} as standard base64: {@code PrivateKey} is the
 * account key as PKCS#1 DER (Traefik always makes an RSA 4096 key; {@code KeyType} is the
 * certificates' key type in lego's certcrypto spelling, "4096" or "P256", and Traefik v3 no
 * longer writes it), {@code certificate} and {@code key} are PEM text.
 *
 * <p>The file is untrusted input as far as its shape goes: it is read without following a link,
 * bounded in size, and every field the recovery uses is checked for its type, so a broken or
 * planted file gives one message naming what is wrong, and nothing is changed. No message quotes
 * the file's content (it holds private keys).
 */
final class TraefikAcmeJson {
  /** Far above any real acme.json (a few kB per certificate), far below what would hurt a worker. */
  static final long MAX_BYTES = 32L * 1024 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  /** One resolver: its account (null when it has none) and its certificates. */
  record Resolver(String name, Account account, List<StoredCertificate> certificates) {}

  /** {@code privateKeyBase64} is secret: it never leaves this host (no log, no result). */
  record Account(String email, String uri, String privateKeyBase64) {
    @Override
    public String toString() {
      return "Account[" + email + ", " + uri + "]";
    }
  }

  record StoredCertificate(String main, byte[] certificatePem) {}

  private TraefikAcmeJson() {}

  /** The file's JSON tree, or null when there is no file yet (Traefik writes it at first need). */
  static ObjectNode readTree(Path file) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (a.isSymbolicLink()) {
      throw bad(file, "is a symbolic link; Traefik's own file is expected there (point ingress[].acmeJson at it):"
          + " refused, nothing read or changed");
    }
    if (!a.isRegularFile()) {
      throw bad(file, "is not a regular file: refused, nothing read or changed");
    }
    if (a.size() > MAX_BYTES) {
      throw bad(file, "is " + a.size() + " bytes, more than the " + MAX_BYTES + " an acme.json can"
          + " plausibly hold: refused, nothing read or changed");
    }
    byte[] content;
    // NOFOLLOW_LINKS again at open: a link swapped in after the check above is not followed.
    try (InputStream in = Channels.newInputStream(Files.newByteChannel(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS))) {
      content = in.readNBytes((int) MAX_BYTES + 1);
    }
    if (content.length > MAX_BYTES) {
      throw bad(file, "grew beyond " + MAX_BYTES + " bytes while being read: refused, nothing changed");
    }
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonParseException e) {
      throw bad(file, "is not JSON (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + "): nothing changed; restore it from its copy beside it or remove it");
    }
    if (root == null || root.isMissingNode()) {
      throw bad(file, "is empty: nothing changed; Traefik writes {} or its resolvers there");
    }
    if (!(root instanceof ObjectNode obj)) {
      throw bad(file, "holds a JSON " + root.getNodeType().name().toLowerCase()
          + ", not an object of resolvers: nothing changed");
    }
    return obj;
  }

  /** Every resolver, checked for the types Traefik writes. */
  static List<Resolver> resolvers(Path file, ObjectNode root) {
    List<Resolver> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = e.getKey();
      JsonNode r = e.getValue();
      if (r.isNull()) {
        continue;
      }
      if (!r.isObject()) {
        throw wrongType(file, at, "an object {Account, Certificates}", r);
      }
      out.add(new Resolver(e.getKey(), account(file, at, r.get("Account")),
          certificates(file, at, r.get("Certificates"))));
    }
    return out;
  }

  static List<Resolver> read(Path file) throws IOException {
    ObjectNode root = readTree(file);
    return root == null ? List.of() : resolvers(file, root);
  }

  private static Account account(Path file, String resolver, JsonNode a) {
    if (a == null || a.isNull()) {
      return null;
    }
    String at = resolver + ".Account";
    if (!a.isObject()) {
      throw wrongType(file, at, "an object", a);
    }
    String email = optionalText(file, at + ".Email", a.get("Email"));
    JsonNode reg = a.get("Registration");
    String uri = null;
    if (reg != null && !reg.isNull()) {
      if (!reg.isObject()) {
        throw wrongType(file, at + ".Registration", "an object {body, uri}", reg);
      }
      uri = optionalText(file, at + ".Registration.uri", reg.get("uri"));
    }
    String key = optionalText(file, at + ".PrivateKey", a.get("PrivateKey"));
    if (key == null || key.isEmpty()) {
      throw bad(file, "has no " + at + ".PrivateKey: Traefik cannot use that account either; nothing changed");
    }
    try {
      Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException notBase64) {
      throw bad(file, at + ".PrivateKey is not base64 (Traefik stores the key's DER bytes so): nothing changed");
    }
    return new Account(email, uri, key);
  }

  private static List<StoredCertificate> certificates(Path file, String resolver, JsonNode certs) {
    if (certs == null || certs.isNull()) {
      return List.of();
    }
    String at = resolver + ".Certificates";
    if (!certs.isArray()) {
      throw wrongType(file, at, "an array", certs);
    }
    List<StoredCertificate> out = new ArrayList<>();
    for (int i = 0; i < certs.size(); i++) {
      JsonNode c = certs.get(i);
      String ci = at + "[" + i + "]";
      if (!c.isObject()) {
        throw wrongType(file, ci, "an object {domain, certificate, key, Store}", c);
      }
      JsonNode domain = c.get("domain");
      if (domain != null && !domain.isNull() && !domain.isObject()) {
        throw wrongType(file, ci + ".domain", "an object {main, sans}", domain);
      }
      String main = domain == null || domain.isNull() ? null : optionalText(file, ci + ".domain.main", domain.get("main"));
      String pem = optionalText(file, ci + ".certificate", c.get("certificate"));
      byte[] bytes;
      try {
        bytes = pem == null ? new byte[0] : Base64.getDecoder().decode(pem);
      } catch (IllegalArgumentException notBase64) {
        throw bad(file, ci + ".certificate is not base64 (Traefik stores the PEM's bytes so): nothing changed");
      }
      out.add(new StoredCertificate(main, bytes));
    }
    return out;
  }

  private static String optionalText(Path file, String at, JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw wrongType(file, at, "text", n);
    }
    return n.asText();
  }

  private static ConfigException wrongType(Path file, String at, String expected, JsonNode got) {
    return bad(file, at + " is a JSON " + got.getNodeType().name().toLowerCase() + ", expected " + expected
        + " (Traefik's format): nothing changed");
  }

  private static ConfigException bad(Path file, String what) {
    return new ConfigException("acme.json " + file + " " + what);
  }
}
