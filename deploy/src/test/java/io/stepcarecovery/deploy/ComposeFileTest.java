package io.stepcarecovery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IngressConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;
import io.stepcarecovery.lab.LabCa;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked two ways: the
 * real compose parser accepts it, and it agrees with the worker config shipped beside it
 * (deploy/config.yaml) on every name, path, volume and address the worker depends on.
 *
 * <p>Services are found by their compose names (step-ca, traefik, worker, temporal); each check
 * says what it compares, so a failure names the two places that disagree.
 */
@Tag("lab")
class ComposeFileTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String CONFIG_IN_CONTAINER = "/etc/stepca-recovery/config.yaml";
  private static final String PARSER = "docker-compose";

  static Path repo;
  static ComposeFile compose;
  static StepcaRecoveryConfig config;
  static CaConfig ca;

  @BeforeAll
  static void load() throws IOException {
    repo = LabCa.repo();
    compose = ComposeFile.read(repo.resolve("docker-compose.yml"));
    // ConfigLoader is what the worker runs at start: a config it refuses fails here.
    config = ConfigLoader.load(repo.resolve("deploy/config.yaml"));
    assertEquals(1, config.cas().size(), "deploy/config.yaml should configure exactly the one CA"
        + " the compose stack runs, got " + config.cas().size());
    ca = config.cas().get(0);
  }

  // ------------------------------------------------------------------ the real parser

  @Test
  void composeParserAcceptsTheFile() throws Exception {
    Optional<Path> exe = onPath(PARSER);
    if (exe.isEmpty()) {
      fail(PARSER + " is not installed, so docker-compose.yml cannot be checked: install it"
          + " (Debian: apt-get install -y docker-compose; .ci/run does). This test never skips.");
    }
    Process p = new ProcessBuilder(exe.get().toString(), "-f", "docker-compose.yml", "config", "-q")
        .directory(repo.toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(PARSER + " config -q did not finish within 120 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), PARSER + " config -q rejects docker-compose.yml:\n" + out);
  }

  // ------------------------------------------------------------------ the CA

  @Test
  void caServiceIsTheStepCaContainer() {
    ServiceConfig s = ca.service();
    assertEquals("docker", s.type(), "cas[0].service.type in deploy/config.yaml: the compose stack"
        + " runs step-ca as a container");
    assertEquals(compose.containerName("step-ca"), s.container(), "cas[0].service.container in"
        + " deploy/config.yaml vs container_name of compose service step-ca");
  }

  @Test
  void workerMountsTheCaDataWhereStepCaHasIt() {
    Path caConfig = ca.caConfig();
    Path stepPath = StepPath.of(caConfig);
    Map<String, String> env = compose.environment("step-ca");
    assertEquals(caConfig.toString(), env.getOrDefault("CONFIGPATH", "/home/step/config/ca.json"),
        "cas[0].caConfig in deploy/config.yaml vs CONFIGPATH of compose service step-ca (where it"
            + " keeps ca.json)");
    assertEquals(stepPath.toString(), env.getOrDefault("STEPPATH", "/home/step"),
        "the step path of cas[0].caConfig vs STEPPATH of compose service step-ca (where it is"
            + " initialised)");
    ComposeFile.Mount data = compose.mountContaining("step-ca", caConfig).orElseThrow(() -> new AssertionError(
        "compose service step-ca mounts nothing that holds " + caConfig + " (cas[0].caConfig);"
            + " its mounts: " + compose.mounts("step-ca")));
    assertTrue(data.named(), "step-ca's data at " + data.target() + " should be a named volume, not"
        + " " + data.source());
    ComposeFile.Mount seen = compose.mountContaining("worker", caConfig).orElseThrow(() -> new AssertionError(
        "compose service worker mounts nothing that holds " + caConfig + " (cas[0].caConfig): it"
            + " cannot read ca.json; its mounts: " + compose.mounts("worker")));
    assertEquals(data.source() + " at " + data.target(), seen.source() + " at " + seen.target(),
        "the CA data volume in compose service worker vs step-ca: ca.json holds absolute paths, so"
            + " the worker must see the same volume at the same place");
    assertFalse(seen.readOnly(), "the worker's mount of " + seen.source() + " must be writable"
        + " (restore writes the CA's data)");
    assertTrue(stepPath.startsWith(Path.of(seen.target())) && !stepPath.equals(Path.of(seen.target())),
        "the step path " + stepPath + " must lie below the volume's mount point " + seen.target()
            + ": a restore swaps the step path by rename, and a mount point cannot be renamed");
  }

  @Test
  void caUrlNamesTheStepCaServiceAndItsCertificate() {
    URI url = URI.create(ca.url());
    assertTrue(compose.hostnames("step-ca").contains(url.getHost()), "host of cas[0].url " + ca.url()
        + " vs the names compose service step-ca answers to " + compose.hostnames("step-ca"));
    String address = compose.environment("step-ca").getOrDefault("DOCKER_STEPCA_INIT_ADDRESS", ":9000");
    assertEquals(address.substring(address.lastIndexOf(':') + 1), String.valueOf(port(url)),
        "port of cas[0].url vs the address step-ca is initialised to listen on (" + address + ")");
    List<String> dns = List.of(compose.environment("step-ca").getOrDefault("DOCKER_STEPCA_INIT_DNS_NAMES", "")
        .split("\\s*,\\s*"));
    assertTrue(dns.contains(url.getHost()), "host of cas[0].url " + ca.url() + " vs"
        + " DOCKER_STEPCA_INIT_DNS_NAMES " + dns + ": the CA's certificate must name it");
  }

  @Test
  void provisionersAndPasswordAreTheOnesStepCaIsInitialisedWith() {
    Map<String, String> env = compose.environment("step-ca");
    assertEquals("true", env.get("DOCKER_STEPCA_INIT_ACME"), "DOCKER_STEPCA_INIT_ACME of compose"
        + " service step-ca: cas[0].acme and Traefik need its ACME provisioner");
    assertNotNull(ca.acme(), "cas[0].acme in deploy/config.yaml");
    assertEquals("acme", ca.acme().provisioner(), "cas[0].acme.provisioner vs the provisioner"
        + " step ca init --acme creates");
    assertNotNull(ca.issuance(), "cas[0].issuance in deploy/config.yaml");
    assertEquals(env.getOrDefault("DOCKER_STEPCA_INIT_PROVISIONER_NAME", "admin"), ca.issuance().provisioner(),
        "cas[0].issuance.provisioner vs DOCKER_STEPCA_INIT_PROVISIONER_NAME of compose service step-ca");
    String initPassword = env.get("DOCKER_STEPCA_INIT_PASSWORD_FILE");
    assertNotNull(initPassword, "compose service step-ca should take its password from a file"
        + " (DOCKER_STEPCA_INIT_PASSWORD_FILE), never from the compose file");
    assertFalse(env.containsKey("DOCKER_STEPCA_INIT_PASSWORD"), "compose service step-ca must not"
        + " carry a password in DOCKER_STEPCA_INIT_PASSWORD");
    String stepCaSecret = compose.secrets("step-ca").get(initPassword);
    assertNotNull(stepCaSecret, "DOCKER_STEPCA_INIT_PASSWORD_FILE " + initPassword + " of compose"
        + " service step-ca is none of its secrets " + compose.secrets("step-ca"));
    String workerSecret = compose.secrets("worker").get(ca.issuance().passwordFile().toString());
    assertEquals(stepCaSecret, workerSecret, "the secret at cas[0].issuance.passwordFile "
        + ca.issuance().passwordFile() + " in compose service worker vs the one step-ca is"
        + " initialised with; worker secrets: " + compose.secrets("worker"));
    String file = compose.root().path("secrets").path(stepCaSecret).path("file").asText("");
    assertTrue(file.startsWith("./deploy/secrets/"), "secret " + stepCaSecret + " should come from"
        + " a file in deploy/secrets/ (kept out of Git), got '" + file + "'");
  }

  @Test
  void secretFilesStayOutOfGit() throws IOException {
    Path ignore = repo.resolve(".gitignore");
    assertTrue(Files.readAllLines(ignore).contains("/deploy/secrets/"),
        ignore + " should ignore /deploy/secrets/: the passwords live there");
    Iterator<Map.Entry<String, JsonNode>> it = compose.root().path("secrets").fields();
    assertTrue(it.hasNext(), "docker-compose.yml declares no secrets: passwords must come from files");
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String file = e.getValue().path("file").asText("");
      assertTrue(file.startsWith("./deploy/secrets/"),
          "secret " + e.getKey() + " should be a file in deploy/secrets/, got '" + file + "'");
    }
  }

  @Test
  void makePasswordsWritesEverySecretTheStackReadsAndKeepsExistingOnes(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("secrets");
    LabCa.run(List.of(repo.resolve("deploy/make-passwords").toString(), dir.toString()), 30);
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    Iterator<Map.Entry<String, JsonNode>> it = compose.root().path("secrets").fields();
    List<String> made = new ArrayList<>();
    while (it.hasNext()) {
      String name = Path.of(it.next().getValue().path("file").asText()).getFileName().toString();
      Path f = dir.resolve(name);
      assertTrue(Files.size(f) >= 40, f + " holds a generated password");
      assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      made.add(Files.readString(f));
    }
    assertEquals(2, made.stream().distinct().count(), "two different passwords");
    LabCa.run(List.of(repo.resolve("deploy/make-passwords").toString(), dir.toString()), 30);
    assertEquals(made.get(0), Files.readString(dir.resolve("postgres_password")), "an existing password is kept");
  }

  @Test
  void dockerSocketIsWhereTheConfigSaysInTheWorker() {
    List<ServiceConfig> services = new ArrayList<>(List.of(ca.service()));
    config.ingress().forEach(i -> services.add(i.service()));
    for (ServiceConfig s : services) {
      String host = s.dockerHost();
      assertNotNull(host, "dockerHost of container " + s.container() + " in deploy/config.yaml");
      assertTrue(host.startsWith("unix://"), "dockerHost " + host + " should be the unix socket the"
          + " compose file mounts");
      String socket = host.substring("unix://".length());
      assertTrue(compose.mounts("worker").stream().anyMatch(m -> m.target().equals(socket) && !m.readOnly()),
          "compose service worker should mount the Docker socket at " + socket + " (dockerHost of "
              + s.container() + "), read-write; its mounts: " + compose.mounts("worker"));
    }
  }

  @Test
  void trustAnchorIsTheFileTraefikTrusts() {
    Path root = ca.rootCert();
    ComposeFile.Mount inWorker = compose.mountContaining("worker", root).orElseThrow(() -> new AssertionError(
        "compose service worker mounts nothing that holds cas[0].rootCert " + root + "; its mounts: "
            + compose.mounts("worker")));
    String lego = compose.environment("traefik").get("LEGO_CA_CERTIFICATES");
    assertNotNull(lego, "compose service traefik should trust step-ca's root through"
        + " LEGO_CA_CERTIFICATES");
    ComposeFile.Mount inTraefik = compose.mountContaining("traefik", Path.of(lego)).orElseThrow(() -> new AssertionError(
        "compose service traefik mounts nothing that holds LEGO_CA_CERTIFICATES " + lego));
    assertTrue(inTraefik.readOnly(), "traefik's mount of " + inTraefik.source() + " should be read-only");
    assertEquals(inWorker.source() + ":" + Path.of(inWorker.target()).relativize(root),
        inTraefik.source() + ":" + Path.of(inTraefik.target()).relativize(Path.of(lego)),
        "the root certificate the worker checks (cas[0].rootCert) vs the one Traefik trusts"
            + " (LEGO_CA_CERTIFICATES): same volume, same file");
  }

  @Test
  void backupStoreIsAVolumeInTheWorker() {
    Path store = ca.backups().store();
    ComposeFile.Mount m = compose.mountContaining("worker", store).orElseThrow(() -> new AssertionError(
        "cas[0].backups.store " + store + " is not on any mount of compose service worker: backups"
            + " would vanish with the container; its mounts: " + compose.mounts("worker")));
    assertTrue(m.named() && compose.root().path("volumes").has(m.source()), "the backup store " + store
        + " should be on a named volume declared under 'volumes:', got " + m.source());
    assertFalse(m.readOnly(), "the backup store mount " + m.target() + " must be writable");
    assertFalse(m.source().equals(compose.mountContaining("worker", ca.caConfig()).map(ComposeFile.Mount::source).orElse("")),
        "the backup store must not share a volume with the CA's data (" + m.source() + ")");
  }

  // ------------------------------------------------------------------ the worker

  @Test
  void workerReadsTheConfigShippedBesideTheComposeFile() {
    List<String> command = compose.command("worker");
    int i = command.indexOf("--config");
    assertTrue(i >= 0 && i + 1 < command.size(), "the command of compose service worker should pass"
        + " --config FILE, got " + command);
    assertEquals(CONFIG_IN_CONTAINER, command.get(i + 1), "the --config of compose service worker");
    assertEquals("worker", command.get(0), "the subcommand of compose service worker");
    ComposeFile.Mount m = compose.mounts("worker").stream().filter(x -> x.target().equals(CONFIG_IN_CONTAINER)).findFirst()
        .orElseThrow(() -> new AssertionError("compose service worker does not mount anything at "
            + CONFIG_IN_CONTAINER + "; its mounts: " + compose.mounts("worker")));
    assertEquals(repo.resolve("deploy/config.yaml"), repo.resolve(m.source()).normalize(),
        "what compose service worker mounts at " + CONFIG_IN_CONTAINER + " vs deploy/config.yaml");
    assertTrue(m.readOnly(), "the config mount of compose service worker should be read-only");
    assertEquals(".", compose.root().path("services").path("worker").path("build").path("context").asText(),
        "compose service worker should be built from the Dockerfile at the repository root");
  }

  @Test
  void temporalAddressIsTheTemporalService() {
    String address = config.temporal().address();
    assertNotNull(address, "temporal.address in deploy/config.yaml: the compose worker needs the"
        + " Temporal service, not the embedded one");
    int colon = address.lastIndexOf(':');
    assertTrue(colon > 0, "temporal.address " + address + " should be HOST:PORT");
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    assertTrue(compose.hostnames("temporal").contains(host), "host of temporal.address " + address
        + " vs the names compose service temporal answers to " + compose.hostnames("temporal"));
    assertTrue(compose.image("temporal").startsWith("temporalio/server:"), "compose service temporal should"
        + " run temporalio/server, got " + compose.image("temporal"));
    assertTrue(compose.containerPorts("temporal").contains(port), "port of temporal.address " + address
        + " vs the frontend port compose service temporal publishes " + compose.containerPorts("temporal"));
    assertEquals(address, compose.environment("temporal-ui").get("TEMPORAL_ADDRESS"),
        "TEMPORAL_ADDRESS of compose service temporal-ui vs temporal.address");
    assertEquals(address, compose.environment("temporal-setup").get("TEMPORAL_ADDRESS"),
        "TEMPORAL_ADDRESS of compose service temporal-setup (namespace, search attributes) vs"
            + " temporal.address");
    assertEquals(config.temporal().namespaceOrDefault(), compose.environment("temporal-setup").get("TEMPORAL_NAMESPACE"),
        "the namespace compose service temporal-setup creates vs temporal.namespace");
  }

  @Test
  void workerStartsAfterTemporalAndStepCa() {
    JsonNode deps = compose.root().path("services").path("worker").path("depends_on");
    Map<String, String> want = new LinkedHashMap<>();
    want.put("temporal", "service_healthy");
    want.put("temporal-setup", "service_completed_successfully");
    want.put("step-ca", "service_healthy");
    want.forEach((service, condition) -> assertEquals(condition,
        deps.path(service).path("condition").asText(""), "depends_on." + service
            + ".condition of compose service worker"));
    assertEquals("service_completed_successfully",
        compose.root().path("services").path("temporal").path("depends_on").path("temporal-schema")
            .path("condition").asText(""), "compose service temporal should wait for the schema job");
  }

  // ------------------------------------------------------------------ the ingress and the app

  @Test
  void ingressIsTheTraefikContainerAndItsAcmeStorage() {
    assertEquals(1, config.ingress().size(), "deploy/config.yaml should configure the one Traefik"
        + " of the compose stack as its ingress");
    IngressConfig in = config.ingress().get(0);
    assertEquals("docker", in.service().type(), "ingress[0].service.type");
    assertEquals(compose.containerName("traefik"), in.service().container(), "ingress[0].service.container"
        + " in deploy/config.yaml vs container_name of compose service traefik");
    assertEquals(ca.host(), in.host(), "ingress[0].host vs cas[0].host: one worker serves both on"
        + " this single host");
    String storage = compose.flag("traefik", "--certificatesresolvers.stepca.acme.storage");
    ComposeFile.Mount inTraefik = compose.mountContaining("traefik", Path.of(storage)).orElseThrow(() -> new AssertionError(
        "compose service traefik keeps its ACME storage " + storage + " on no volume"));
    assertNotNull(in.acmeJson(), "ingress[0].acmeJson: the worker clears a stale ACME account there");
    ComposeFile.Mount inWorker = compose.mountContaining("worker", in.acmeJson()).orElseThrow(() -> new AssertionError(
        "ingress[0].acmeJson " + in.acmeJson() + " is on no mount of compose service worker; its"
            + " mounts: " + compose.mounts("worker")));
    assertEquals(inTraefik.source() + ":" + Path.of(inTraefik.target()).relativize(Path.of(storage)),
        inWorker.source() + ":" + Path.of(inWorker.target()).relativize(in.acmeJson()),
        "Traefik's ACME storage vs ingress[0].acmeJson as the worker sees it: same volume, same file");
    assertFalse(inWorker.readOnly(), "the worker's mount of Traefik's ACME storage must be writable");
  }

  @Test
  void traefikGetsCertificatesFromThisCa() {
    URI caServer = URI.create(compose.flag("traefik", "--certificatesresolvers.stepca.acme.caserver"));
    URI url = URI.create(ca.url());
    assertEquals(url.getHost() + ":" + port(url), caServer.getHost() + ":" + port(caServer),
        "host:port of Traefik's ACME caserver " + caServer + " vs cas[0].url " + ca.url());
    assertEquals("https", caServer.getScheme(), "scheme of Traefik's ACME caserver");
    assertEquals("/acme/" + ca.acme().provisioner() + "/directory", caServer.getPath(),
        "path of Traefik's ACME caserver vs cas[0].acme.provisioner");
  }

  @Test
  void everyRoutedHostIsAServiceTheWorkerChecks() {
    Pattern hostRule = Pattern.compile("Host\\(`([^`]+)`\\)");
    List<String> checked = config.services().stream().map(s -> URI.create(s).getHost()).toList();
    List<String> routed = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = compose.root().path("services").fields();
    while (it.hasNext()) {
      String service = it.next().getKey();
      for (Map.Entry<String, String> label : compose.labels(service).entrySet()) {
        Matcher rule = Pattern.compile("traefik\\.http\\.routers\\.([^.]+)\\.rule").matcher(label.getKey());
        if (!rule.matches()) {
          continue;
        }
        String router = rule.group(1);
        assertEquals("stepca", compose.labels(service).get("traefik.http.routers." + router + ".tls.certresolver"),
            "router " + router + " of compose service " + service + " should get its certificate"
                + " from the stepca resolver");
        Matcher host = hostRule.matcher(label.getValue());
        while (host.find()) {
          routed.add(host.group(1));
          assertTrue(checked.contains(host.group(1)), "host " + host.group(1) + " routed by Traefik"
              + " (compose service " + service + ") vs services in deploy/config.yaml " + config.services());
          assertTrue(compose.hostnames("traefik").contains(host.group(1)), "host " + host.group(1)
              + " must resolve to Traefik inside the stack (network alias of compose service"
              + " traefik) for the ACME challenge and the worker's check; traefik answers to "
              + compose.hostnames("traefik"));
        }
      }
    }
    assertFalse(routed.isEmpty(), "no Traefik router with a Host rule in docker-compose.yml: the"
        + " demo application is missing");
    for (String s : checked) {
      assertTrue(routed.contains(s), "service " + s + " in deploy/config.yaml is routed by no"
          + " Traefik router in docker-compose.yml " + routed);
    }
  }

  static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  static List<String> iterable(Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
