package io.stepcarecovery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * docker-compose.yml read as the model the deploy checks need: services, their images, container
 * names, hostnames, networks, mounts, secrets, environment, labels, entrypoints, command flags,
 * healthchecks and published ports. It cannot be run here (no Docker engine); docker-compose
 * itself parses it in ComposeFileTest.
 */
final class ComposeFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final JsonNode root;

  private ComposeFile(JsonNode root) {
    this.root = root;
  }

  static ComposeFile read(Path file) throws IOException {
    return new ComposeFile(YAML.readTree(file.toFile()));
  }

  JsonNode root() {
    return root;
  }

  List<String> serviceNames() {
    List<String> out = new ArrayList<>();
    root.path("services").fieldNames().forEachRemaining(out::add);
    return out;
  }

  record Mount(String source, String target, boolean readOnly, boolean named) {}

  JsonNode service(String name) {
    JsonNode s = root.path("services").path(name);
    if (s.isMissingNode()) {
      throw new AssertionError("docker-compose.yml has no service '" + name + "'; services: "
          + serviceNames());
    }
    return s;
  }

  String containerName(String service) {
    String n = service(service).path("container_name").asText(null);
    assertNotNull(n, "compose service " + service + " needs a container_name: deploy/config.yaml"
        + " controls it by that name");
    return n;
  }

  String image(String service) {
    return service(service).path("image").asText("");
  }

  /** The tag of a service's image ("v3.7.9" of "traefik:v3.7.9"); "" when it has none. */
  String imageTag(String service) {
    String image = image(service).replaceAll("@.*", "");
    int colon = image.lastIndexOf(':');
    return colon < 0 || image.indexOf('/', colon) >= 0 ? "" : image.substring(colon + 1);
  }

  /** The services whose image is of this repository (the part before ':'). */
  List<String> servicesOfImage(String repository) {
    return serviceNames().stream().filter(s -> image(s).replaceAll("[:@].*", "").equals(repository))
        .collect(Collectors.toList());
  }

  /** The container names set in the file, by service. */
  Map<String, String> containerNames() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : serviceNames()) {
      if (service(s).hasNonNull("container_name")) {
        out.put(s, service(s).get("container_name").asText());
      }
    }
    return out;
  }

  /** The networks a service is attached to (compose's "default" when it names none). */
  List<String> networks(String service) {
    JsonNode n = service(service).path("networks");
    List<String> out = new ArrayList<>();
    if (n.isObject()) {
      n.fieldNames().forEachRemaining(out::add);
    } else if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add("default");
    }
    return out;
  }

  /** The services attached to a network. */
  List<String> servicesOn(String network) {
    return serviceNames().stream().filter(s -> networks(s).contains(network)).collect(Collectors.toList());
  }

  /** A string or list key of a service (entrypoint, healthcheck.test) as its list of words. */
  List<String> words(JsonNode node) {
    if (node.isTextual()) {
      return List.of(node.asText());
    }
    List<String> out = new ArrayList<>();
    node.forEach(x -> out.add(x.asText()));
    return out;
  }

  List<String> entrypoint(String service) {
    return words(service(service).path("entrypoint"));
  }

  List<String> healthcheck(String service) {
    return words(service(service).path("healthcheck").path("test"));
  }

  /** The names other containers reach a service by: its key, container_name, network aliases. */
  List<String> hostnames(String service) {
    List<String> names = new ArrayList<>(List.of(service));
    JsonNode s = service(service);
    if (s.hasNonNull("container_name")) {
      names.add(s.get("container_name").asText());
    }
    if (s.path("networks").isObject()) {
      s.path("networks").forEach(n -> n.path("aliases").forEach(a -> names.add(a.asText())));
    }
    return names;
  }

  List<Mount> mounts(String service) {
    List<Mount> out = new ArrayList<>();
    for (JsonNode v : service(service).path("volumes")) {
      if (v.isTextual()) {
        String[] p = v.asText().split(":");
        if (p.length == 1) {
          out.add(new Mount("", p[0], false, false)); // anonymous volume
          continue;
        }
        boolean ro = p.length > 2 && List.of(p[2].split(",")).contains("ro");
        out.add(new Mount(p[0], p[1], ro, named(p[0])));
      } else {
        String source = v.path("source").asText("");
        out.add(new Mount(source, v.path("target").asText(), v.path("read_only").asBoolean(false),
            "volume".equals(v.path("type").asText()) && !source.isEmpty()));
      }
    }
    return out;
  }

  static boolean named(String source) {
    return !(source.startsWith("/") || source.startsWith(".") || source.startsWith("~"));
  }

  /** The mount a path lies on; the deepest one if mounts nest. */
  Optional<Mount> mountContaining(String service, Path path) {
    return mounts(service).stream()
        .filter(m -> !m.target().isEmpty() && path.normalize().startsWith(Path.of(m.target())))
        .max((a, b) -> Integer.compare(Path.of(a.target()).getNameCount(), Path.of(b.target()).getNameCount()));
  }

  /** Target path in the container → secret name. */
  Map<String, String> secrets(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode s : service(service).path("secrets")) {
      if (s.isTextual()) {
        out.put("/run/secrets/" + s.asText(), s.asText());
      } else {
        String target = s.path("target").asText(s.path("source").asText());
        out.put(target.startsWith("/") ? target : "/run/secrets/" + target, s.path("source").asText());
      }
    }
    return out;
  }

  Map<String, String> environment(String service) {
    return keyValues(service(service).path("environment"));
  }

  Map<String, String> labels(String service) {
    return keyValues(service(service).path("labels"));
  }

  static Map<String, String> keyValues(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    } else {
      for (JsonNode e : node) {
        String s = e.asText();
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  List<String> command(String service) {
    JsonNode c = service(service).path("command");
    if (c.isTextual()) {
      return List.of(c.asText().trim().split("\\s+"));
    }
    List<String> out = new ArrayList<>();
    c.forEach(x -> out.add(x.asText()));
    return out;
  }

  /** The value of a --flag=value in a service's command. */
  String flag(String service, String flag) {
    List<String> values = command(service).stream().filter(a -> a.startsWith(flag + "="))
        .map(a -> a.substring(flag.length() + 1)).collect(Collectors.toList());
    assertEquals(1, values.size(), "compose service " + service + " should set " + flag + " once in"
        + " its command, found " + values);
    return values.get(0);
  }

  /** Whether a service's command holds the flag, bare or as --flag=value. */
  boolean hasFlag(String service, String flag) {
    return command(service).stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
  }

  /** A published port: the host address ("" for every interface), host port and container port. */
  record Port(String hostIp, String published, String target) {}

  List<Port> ports(String service) {
    List<Port> out = new ArrayList<>();
    for (JsonNode p : service(service).path("ports")) {
      if (p.isTextual()) {
        String s = p.asText().replaceAll("/.*", "");
        int last = s.lastIndexOf(':');
        String target = s.substring(last + 1);
        String rest = last < 0 ? "" : s.substring(0, last);
        int ip = rest.lastIndexOf(':');
        out.add(new Port(ip < 0 ? "" : rest.substring(0, ip).replaceAll("^\\[|]$", ""),
            rest.substring(ip + 1), target));
      } else {
        out.add(new Port(p.path("host_ip").asText(""), p.path("published").asText(""),
            p.path("target").asText()));
      }
    }
    return out;
  }

  /** Container ports a service publishes ("7233", from "127.0.0.1:7233:7233" or "7233:7233"). */
  List<String> containerPorts(String service) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : service(service).path("ports")) {
      String s = p.isTextual() ? p.asText() : p.path("target").asText();
      out.add(s.substring(s.lastIndexOf(':') + 1).replaceAll("/.*", ""));
    }
    return out;
  }
}
