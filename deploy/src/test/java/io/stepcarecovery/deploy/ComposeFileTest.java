package io.stepcarecovery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
  /** The one-shot service that creates the CA (step ca init). */
  private static final String INIT = "step-ca-init";
  private static final String PROXY_IMAGE = "lscr.io/linuxserver/socket-proxy";
  private static final String WORKER_PROXY = "worker-docker-proxy";
  private static final String TRAEFIK_PROXY = "traefik-docker-proxy";
  private static final int PROXY_PORT = 2375;
  /** The sections the socket-proxy image opens unless told otherwise (its Dockerfile's ENV). */
  private static final Map<String, String> PROXY_DEFAULTS_ON = Map.of(
      "EVENTS", "1", "PING", "1", "VERSION", "1", "LIBPOD_PING", "1", "LIBPOD_VERSION", "1");
  /** Container names of Temporal's own compose samples (temporalio/samples-server compose/). */
  private static final List<String> UPSTREAM_NAMES = List.of("temporal", "temporal-postgresql",
      "temporal-ui", "temporal-admin-tools", "temporal-create-namespace");

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
        "the step path of cas[0].caConfig vs STEPPATH of compose service step-ca");
    assertEquals(stepPath.toString(), compose.environment(INIT).getOrDefault("STEPPATH", "/home/step"),
        "the step path of cas[0].caConfig vs STEPPATH of compose service " + INIT + " (where"
            + " step ca init creates the CA)");
    assertEquals(compose.mountContaining("step-ca", caConfig).map(ComposeFile.Mount::source).orElse("step-ca's"),
        compose.mountContaining(INIT, caConfig).map(ComposeFile.Mount::source).orElse("none"),
        "the volume compose service " + INIT + " creates the CA on vs the one step-ca serves it from");
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
    String address = compose.flag(INIT, "--address");
    assertEquals(address.substring(address.lastIndexOf(':') + 1), String.valueOf(port(url)),
        "port of cas[0].url vs the address step-ca is initialised to listen on (" + INIT
            + " --address=" + address + ")");
    List<String> dns = List.of(compose.flag(INIT, "--dns").split("\\s*,\\s*"));
    assertTrue(dns.contains(url.getHost()), "host of cas[0].url " + ca.url() + " vs the --dns of"
        + " step ca init in compose service " + INIT + " " + dns + ": the CA's certificate must name it");
  }

  @Test
  void provisionersAndPasswordsAreTheOnesStepCaIsInitialisedWith() {
    assertTrue(compose.hasFlag(INIT, "--acme"), "step ca init in compose service " + INIT + " should"
        + " pass --acme: cas[0].acme and Traefik need its ACME provisioner");
    assertNotNull(ca.acme(), "cas[0].acme in deploy/config.yaml");
    assertEquals("acme", ca.acme().provisioner(), "cas[0].acme.provisioner vs the provisioner"
        + " step ca init --acme creates");
    assertNotNull(ca.issuance(), "cas[0].issuance in deploy/config.yaml");
    assertEquals(compose.flag(INIT, "--provisioner"), ca.issuance().provisioner(),
        "cas[0].issuance.provisioner vs the --provisioner of step ca init in compose service " + INIT);
    String keySecret = initSecret("--password-file");
    String provisionerSecret = initSecret("--provisioner-password-file");
    assertNotEquals(keySecret, provisionerSecret, "the CA's keys and its provisioner 'admin' should"
        + " have different passwords (secret " + keySecret + "): the worker holds the provisioner's");
    String workerSecret = compose.secrets("worker").get(ca.issuance().passwordFile().toString());
    assertEquals(provisionerSecret, workerSecret, "the secret at cas[0].issuance.passwordFile "
        + ca.issuance().passwordFile() + " in compose service worker vs the provisioner password"
        + " step-ca is initialised with; worker secrets: " + compose.secrets("worker"));
    for (String secret : List.of(keySecret, provisionerSecret)) {
      String file = compose.root().path("secrets").path(secret).path("file").asText("");
      assertTrue(file.startsWith("./deploy/secrets/"), "secret " + secret + " should come from"
          + " a file in deploy/secrets/ (kept out of Git), got '" + file + "'");
    }
  }

  /**
   * The password of the CA's keys: step-ca reads it from the secret itself (PWDPATH), so it is no
   * file of the CA's data and no backup holds it; the worker, which needs only the provisioner's,
   * is not given it.
   */
  @Test
  void keyPasswordStaysOutOfTheCaDataAndTheWorker() {
    String keySecret = initSecret("--password-file");
    String pwdPath = compose.environment("step-ca").get("PWDPATH");
    assertNotNull(pwdPath, "compose service step-ca should set PWDPATH (the image's default is"
        + " /home/step/secrets/password, a file of the CA's data)");
    assertEquals(keySecret, compose.secrets("step-ca").get(pwdPath), "PWDPATH " + pwdPath + " of"
        + " compose service step-ca vs the secret step ca init encrypted the keys with; its secrets: "
        + compose.secrets("step-ca"));
    assertTrue(compose.mountContaining("step-ca", Path.of(pwdPath)).isEmpty(), "PWDPATH " + pwdPath
        + " lies on a volume of compose service step-ca: the key password would be in the CA's data");
    assertFalse(compose.secrets("worker").containsValue(keySecret), "compose service worker should"
        + " not get secret " + keySecret + " (the CA's key password); its secrets: "
        + compose.secrets("worker"));
  }

  /**
   * The image's own first-start init (docker/entrypoint.sh upstream) echoes "Your CA
   * administrative password is: ..." into the container's log, and with a password file that is
   * the password of the CA's keys. Here the CA is created by {@link #INIT}, which runs
   * {@code step ca init} with both passwords given as files: step ca init then neither prompts
   * nor prints them (cli-utils' PromptPassword returns a value it was given). Every step-ca
   * container runs without DOCKER_STEPCA_INIT_NAME and _DNS_NAMES, which the image's init needs,
   * so it can never run there.
   */
  @Test
  void stepCaIsInitialisedWithoutPrintingItsPassword() {
    for (String service : compose.servicesOfImage("smallstep/step-ca")) {
      List<String> initVars = compose.environment(service).keySet().stream()
          .filter(k -> k.startsWith("DOCKER_STEPCA_INIT_")).toList();
      assertEquals(List.of(), initVars, "compose service " + service + " sets " + initVars + ": the"
          + " image's entrypoint would initialise the CA itself and print its password to the log");
    }
    List<String> entrypoint = compose.entrypoint(INIT);
    assertFalse(entrypoint.isEmpty() || entrypoint.contains("/entrypoint.sh"), "compose service "
        + INIT + " must replace the image's entrypoint (which prints the password), got " + entrypoint);
    String script = String.join("\n", entrypoint);
    assertTrue(script.contains("step ca init \"$$@\""), "the entrypoint of compose service " + INIT
        + " should run step ca init with its command as the flags, got " + entrypoint);
    assertFalse(script.toLowerCase().contains("password") || script.contains("/run/secrets"),
        "the entrypoint of compose service " + INIT + " should not touch the password files, only"
            + " pass them on: " + entrypoint);
    assertTrue(script.contains("config/ca.json"), "compose service " + INIT + " should leave an"
        + " existing CA alone (test for ca.json), got " + entrypoint);
    initSecret("--password-file");
    initSecret("--provisioner-password-file");
    assertEquals("service_completed_successfully", compose.root().path("services").path("step-ca")
        .path("depends_on").path(INIT).path("condition").asText(""), "compose service step-ca should"
        + " start after " + INIT + " has created the CA");
  }

  /** The secret a password-file flag of step ca init (compose service INIT) names. */
  static String initSecret(String flag) {
    String file = compose.flag(INIT, flag);
    String secret = compose.secrets(INIT).get(file);
    assertNotNull(secret, flag + "=" + file + " of step ca init in compose service " + INIT
        + " is none of its secrets " + compose.secrets(INIT) + ": without a file step ca init"
        + " prompts, or generates a password and prints it");
    return secret;
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
    assertEquals(made.size(), made.stream().distinct().count(), "different passwords");
    assertEquals(3, made.size(), "Temporal's database, the CA's keys, the CA's provisioner");
    LabCa.run(List.of(repo.resolve("deploy/make-passwords").toString(), dir.toString()), 30);
    assertEquals(made.get(0), Files.readString(dir.resolve("postgres_password")), "an existing password is kept");
  }

  /**
   * The worker controls containers only through compose service {@link #WORKER_PROXY}: every
   * dockerHost in deploy/config.yaml and its DOCKER_HOST name it, and it mounts no Docker socket.
   */
  @Test
  void workerReachesDockerOnlyThroughTheProxy() {
    List<ServiceConfig> services = new ArrayList<>(List.of(ca.service()));
    config.ingress().forEach(i -> services.add(i.service()));
    String proxy = "tcp://" + WORKER_PROXY + ":" + PROXY_PORT;
    for (ServiceConfig s : services) {
      assertEquals(proxy, s.dockerHost(), "dockerHost of container " + s.container() + " in"
          + " deploy/config.yaml: the worker's Docker API is the filtering proxy");
    }
    assertEquals(proxy, compose.environment("worker").get("DOCKER_HOST"), "DOCKER_HOST of compose"
        + " service worker (what a config without dockerHost falls back to)");
    assertNoDockerSocket("worker");
    assertOnlyClientOf(WORKER_PROXY, "worker");
  }

  /**
   * What the worker's proxy lets through is what the docker backend calls, read from its source:
   * each docker-java command DockerService uses maps to the one proxy section it needs, and no
   * other section is open (a new call fails here until it is mapped and allowed).
   */
  @Test
  void workerProxyAllowsOnlyTheCallsOfTheDockerBackend() throws IOException {
    Map<String, String> sectionOf = Map.of(
        "inspectContainerCmd", "CONTAINERS",   // GET /containers/{id}/json
        "startContainerCmd", "ALLOW_START",    // POST /containers/{id}/start
        "stopContainerCmd", "ALLOW_STOP",      // POST /containers/{id}/stop
        "restartContainerCmd", "ALLOW_RESTARTS", // POST /containers/{id}/restart (and kill)
        "logContainerCmd", "ALLOW_LOGS");      // GET /containers/{id}/logs (ALLOW_LOGS and CONTAINERS)
    Path source = repo.resolve("activities/src/main/java/io/stepcarecovery/service/DockerService.java");
    Matcher call = Pattern.compile("client\\.(\\w+Cmd)\\(").matcher(Files.readString(source));
    java.util.Set<String> needed = new java.util.TreeSet<>();
    while (call.find()) {
      String section = sectionOf.get(call.group(1));
      assertNotNull(section, source + " calls docker-java's " + call.group(1) + ", which no section"
          + " of " + WORKER_PROXY + " is known to allow here: allow it there and map it in this test");
      needed.add(section);
    }
    assertTrue(needed.contains("ALLOW_STOP"), "no docker-java call found in " + source);
    if (needed.contains("ALLOW_LOGS")) {
      needed.add("CONTAINERS"); // logs pass the ALLOW_LOGS gate, then the CONTAINERS rule
    }
    assertEquals(needed, proxySections(WORKER_PROXY), "the API sections compose service "
        + WORKER_PROXY + " opens vs the calls of the docker backend (" + source.getFileName() + ")");
  }

  /** Traefik reads Docker's containers and events through a read-only proxy of its own. */
  @Test
  void traefikReachesDockerOnlyThroughAReadOnlyProxy() {
    assertEquals("tcp://" + TRAEFIK_PROXY + ":" + PROXY_PORT, compose.flag("traefik", "--providers.docker.endpoint"),
        "--providers.docker.endpoint of compose service traefik");
    assertNoDockerSocket("traefik");
    assertOnlyClientOf(TRAEFIK_PROXY, "traefik");
    // Traefik's docker provider: _ping (API version negotiation), version, events, the container
    // list and inspect (pkg/provider/docker: pdocker.go, shared.go). All GET.
    assertEquals(new java.util.TreeSet<>(List.of("CONTAINERS", "EVENTS", "PING", "VERSION")),
        proxySections(TRAEFIK_PROXY), "the API sections compose service " + TRAEFIK_PROXY + " opens");
  }

  /** Only the proxies see the engine's socket; each is pinned to a release that gates subpaths. */
  @Test
  void onlyPinnedSocketProxiesMountTheDockerSocket() {
    List<String> proxies = compose.servicesOfImage(PROXY_IMAGE);
    assertEquals(List.of(TRAEFIK_PROXY, WORKER_PROXY), proxies.stream().sorted().toList(),
        "the compose services running " + PROXY_IMAGE);
    for (String service : compose.serviceNames()) {
      if (!proxies.contains(service)) {
        assertNoDockerSocket(service);
      }
    }
    for (String proxy : proxies) {
      // From 3.4.3-r0-ls92 on, archive, export and logs of a container are gated apart from
      // CONTAINERS; before it, reading a container's state also let a client copy its files out.
      Matcher tag = Pattern.compile("\\d+\\.\\d+\\.\\d+-r\\d+-ls(\\d+)").matcher(compose.imageTag(proxy));
      assertTrue(tag.matches() && Integer.parseInt(tag.group(1)) >= 92, "compose service " + proxy
          + " should pin " + PROXY_IMAGE + " to a release tag from 3.4.3-r0-ls92 on, got '"
          + compose.imageTag(proxy) + "'");
      assertTrue(compose.mounts(proxy).stream().anyMatch(m -> m.target().equals("/var/run/docker.sock")),
          "compose service " + proxy + " should mount the engine's socket at /var/run/docker.sock");
      assertTrue(compose.service(proxy).path("read_only").asBoolean(false), "compose service "
          + proxy + " should run read_only");
      assertTrue(compose.containerPorts(proxy).isEmpty(), "compose service " + proxy
          + " must publish no port: it is the Docker API");
    }
  }

  /** Sections a linuxserver/socket-proxy service opens: the image's defaults, then its environment. */
  static java.util.Set<String> proxySections(String proxy) {
    Map<String, String> env = new LinkedHashMap<>(PROXY_DEFAULTS_ON);
    env.putAll(compose.environment(proxy));
    assertEquals("0", env.getOrDefault("POST", "0"), "POST of compose service " + proxy + ": every"
        + " write other than start, stop and restart stays refused");
    java.util.Set<String> on = new java.util.TreeSet<>();
    env.forEach((k, v) -> {
      if (k.equals("POST") || k.equals("LOG_LEVEL") || k.equals("TZ") || k.equals("DISABLE_IPV6")) {
        return;
      }
      assertTrue(v.equals("0") || v.equals("1"), k + " of compose service " + proxy + " should be"
          + " 0 or 1 (haproxy reads it as a number), got '" + v + "'");
      if (v.equals("1")) {
        on.add(k);
      }
    });
    return on;
  }

  static void assertNoDockerSocket(String service) {
    for (ComposeFile.Mount m : compose.mounts(service)) {
      assertFalse(m.source().endsWith(".sock") || m.target().endsWith(".sock"), "compose service "
          + service + " mounts " + m.source() + " at " + m.target() + ": only the socket proxies"
          + " may see the engine's socket (full control of the host)");
    }
  }

  /** The proxy is on internal networks only, shared with its one client and nothing else. */
  static void assertOnlyClientOf(String proxy, String client) {
    for (String network : compose.networks(proxy)) {
      assertTrue(compose.root().path("networks").path(network).path("internal").asBoolean(false),
          "network " + network + " of compose service " + proxy + " should be internal");
      assertEquals(List.of(client, proxy).stream().sorted().toList(),
          compose.servicesOn(network).stream().sorted().toList(), "the services on network "
              + network + ": the Docker API proxy and its one client");
    }
  }

  @Test
  void traefikTrustsTheTrustAnchorThroughItsCaCertificatesOption() {
    Path root = ca.rootCert();
    ComposeFile.Mount inWorker = compose.mountContaining("worker", root).orElseThrow(() -> new AssertionError(
        "compose service worker mounts nothing that holds cas[0].rootCert " + root + "; its mounts: "
            + compose.mounts("worker")));
    // Traefik's documented option (acme.caCertificates, since v3.2), not lego's environment.
    assertFalse(compose.environment("traefik").containsKey("LEGO_CA_CERTIFICATES"), "compose service"
        + " traefik should trust step-ca's root with --certificatesresolvers.stepca.acme.cacertificates,"
        + " not LEGO_CA_CERTIFICATES");
    String trusted = compose.flag("traefik", "--certificatesresolvers.stepca.acme.cacertificates");
    ComposeFile.Mount inTraefik = compose.mountContaining("traefik", Path.of(trusted)).orElseThrow(() -> new AssertionError(
        "compose service traefik mounts nothing that holds acme.cacertificates " + trusted));
    assertTrue(inTraefik.readOnly(), "traefik's mount of " + inTraefik.source() + " should be read-only");
    assertEquals(inWorker.source() + ":" + Path.of(inWorker.target()).relativize(root),
        inTraefik.source() + ":" + Path.of(inTraefik.target()).relativize(Path.of(trusted)),
        "the root certificate the worker checks (cas[0].rootCert) vs the one Traefik trusts"
            + " (acme.cacertificates): same volume, same file");
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

  /** Postgres's first init runs a temporary server on the Unix socket only: check over TCP. */
  @Test
  void postgresHealthcheckGoesOverTcp() {
    String check = String.join(" ", compose.healthcheck("postgresql"));
    assertTrue(check.contains("pg_isready"), "the healthcheck of compose service postgresql should"
        + " run pg_isready, got: " + check);
    Matcher host = Pattern.compile("(?:-h|--host)[ =](\\S+)").matcher(check);
    assertTrue(host.find() && !host.group(1).startsWith("/"), "pg_isready in the healthcheck of"
        + " compose service postgresql should name a TCP host (-h 127.0.0.1): over the socket it"
        + " passes while the image's first init still runs; got: " + check);
    Matcher port = Pattern.compile("(?:-p|--port)[ =](\\d+)").matcher(check);
    assertTrue(port.find() && port.group(1).equals(compose.environment("temporal").get("DB_PORT")),
        "pg_isready's port in the healthcheck of compose service postgresql vs DB_PORT of compose"
            + " service temporal; got: " + check);
  }

  /** Nothing without a login is reachable from other hosts: every port but HTTPS is loopback. */
  @Test
  void temporalUiAndEveryPortButHttpsListenOnLoopbackOnly() {
    assertTrue(compose.containerPorts("temporal-ui").contains("8080"), "compose service"
        + " temporal-ui should publish its port 8080");
    for (String service : compose.serviceNames()) {
      for (ComposeFile.Port p : compose.ports(service)) {
        if (service.equals("traefik") && p.target().equals("443")) {
          continue; // the ingress: what the stack serves
        }
        assertEquals("127.0.0.1", p.hostIp(), "the host address compose service " + service
            + " publishes its port " + p.target() + " on (the Temporal UI and API have no login)");
      }
    }
  }

  /** Temporal's own samples use these names; the same names here collide on the same host. */
  @Test
  void noContainerNameOfUpstreamStacks() {
    Map<String, String> names = compose.containerNames();
    names.forEach((service, name) -> {
      assertFalse(UPSTREAM_NAMES.contains(name), "container_name " + name + " of compose service "
          + service + " is the one Temporal's samples use: 'name already in use' on a host that"
          + " ran them");
      assertTrue(name.startsWith("stepca-recovery-"), "container_name " + name + " of compose"
          + " service " + service + " should start with stepca-recovery- (a bare traefik or step-ca"
          + " collides with the user's own)");
    });
    List<String> controlled = new ArrayList<>(List.of(ca.service().container()));
    config.ingress().forEach(i -> controlled.add(i.service().container()));
    assertEquals(controlled.stream().sorted().toList(), names.values().stream().sorted().toList(),
        "the container names in docker-compose.yml vs the containers deploy/config.yaml controls by"
            + " name: the rest keep compose's project-prefixed names");
  }

  // ------------------------------------------------------------------ the ingress and the app

  /** Traefik v3.6.1 and later negotiate the Docker API; older ones pin 1.24, which Engine 29 refuses. */
  @Test
  void traefikVersionNegotiatesTheDockerApi() {
    String tag = compose.imageTag("traefik");
    Matcher v = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)").matcher(tag);
    assertTrue(compose.image("traefik").startsWith("traefik:") && v.matches(), "compose service"
        + " traefik should pin a release of the traefik image (vX.Y.Z), got " + compose.image("traefik"));
    int[] got = {Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)), Integer.parseInt(v.group(3))};
    int[] min = {3, 6, 1};
    assertTrue(java.util.Arrays.compare(got, min) >= 0, "Traefik " + tag + " pins Docker API 1.24,"
        + " which Docker Engine 29 refuses (traefik/traefik#12253): use v3.6.1 or later");
  }

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

  // ------------------------------------------------------------------ Prometheus

  /**
   * Prometheus scrapes the worker where the worker serves its metrics: the scrape target of
   * deploy/prometheus/prometheus.yml (as compose service prometheus mounts it) names the worker
   * and the port of its --metrics, which listens on every address of the container.
   */
  @Test
  void prometheusScrapesTheWorkersMetricsPort() throws IOException {
    List<String> command = compose.command("worker");
    int i = command.indexOf("--metrics");
    assertTrue(i >= 0 && i + 1 < command.size(), "the command of compose service worker should pass"
        + " --metrics HOST:PORT (Prometheus scrapes it), got " + command);
    String listen = command.get(i + 1);
    int colon = listen.lastIndexOf(':');
    assertTrue(colon > 0, "--metrics " + listen + " of compose service worker should be HOST:PORT: a bare"
        + " port binds 127.0.0.1, which Prometheus in another container cannot reach");
    assertEquals("0.0.0.0", listen.substring(0, colon), "the address of the worker's --metrics: Prometheus"
        + " reaches it from another container");
    String port = listen.substring(colon + 1);
    JsonNode prom = YAML.readTree(inRepo("prometheus", Path.of(compose.flag("prometheus", "--config.file"))).toFile());
    List<String> targets = new ArrayList<>();
    for (JsonNode job : prom.path("scrape_configs")) {
      assertEquals("/metrics", job.path("metrics_path").asText("/metrics"), "metrics_path of scrape job "
          + job.path("job_name").asText() + ": the worker serves GET /metrics");
      assertEquals("http", job.path("scheme").asText("http"), "scheme of scrape job " + job.path("job_name").asText());
      job.path("static_configs").forEach(sc -> sc.path("targets").forEach(t -> targets.add(t.asText())));
    }
    assertTrue(targets.stream().anyMatch(t -> t.endsWith(":" + port)
        && compose.hostnames("worker").contains(t.substring(0, t.lastIndexOf(':')))),
        "the scrape targets of deploy/prometheus/prometheus.yml " + targets + " vs the worker's --metrics port "
            + port + " and the names compose service worker answers to " + compose.hostnames("worker"));
    List<String> shared = new ArrayList<>(compose.networks("prometheus"));
    shared.retainAll(compose.networks("worker"));
    assertFalse(shared.isEmpty(), "compose services prometheus " + compose.networks("prometheus") + " and worker "
        + compose.networks("worker") + " share no network: the scrape cannot reach the worker");
    assertFalse(compose.containerPorts("worker").contains(port), "compose service worker should not publish its"
        + " metrics port " + port + " on the host: Prometheus reaches it inside the stack");
  }

  /**
   * Prometheus evaluates the rules the build tests (deploy/prometheus/alerts.yml, promtool test
   * rules in AlertRulesTest), and promtool accepts its config with them; its data is on a volume.
   */
  @Test
  void prometheusLoadsTheTestedAlertRules() throws Exception {
    Path configInContainer = Path.of(compose.flag("prometheus", "--config.file"));
    Path config = inRepo("prometheus", configInContainer);
    JsonNode prom = YAML.readTree(config.toFile());
    List<Path> rules = new ArrayList<>();
    prom.path("rule_files").forEach(r -> rules.add(inRepo("prometheus",
        configInContainer.resolveSibling(r.asText()).normalize())));
    assertEquals(List.of(repo.resolve("deploy/prometheus/alerts.yml")), rules, "the rule files compose service"
        + " prometheus loads (rule_files of " + config + ", as mounted) vs the tested alerts.yml");
    Process p = new ProcessBuilder("/usr/bin/promtool", "check", "config", config.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool check config did not finish");
    assertEquals(0, p.exitValue(), "promtool check config " + config + ":\n" + out);
    assertTrue(compose.mounts("prometheus").stream().allMatch(m -> !m.target().startsWith("/etc/prometheus")
        || m.readOnly()), "compose service prometheus should mount its config read-only: " + compose.mounts("prometheus"));
    ComposeFile.Mount data = compose.mountContaining("prometheus", Path.of(compose.flag("prometheus",
        "--storage.tsdb.path"))).orElseThrow(() -> new AssertionError("compose service prometheus keeps its"
            + " data on no volume: history and alert state vanish with the container"));
    assertTrue(data.named() && compose.root().path("volumes").has(data.source()), "Prometheus' data should be on"
        + " a named volume declared under 'volumes:', got " + data.source());
    assertTrue(compose.imageTag("prometheus").matches("v\\d+\\.\\d+\\.\\d+"), "compose service prometheus should"
        + " pin a release of its image (vX.Y.Z), got " + compose.image("prometheus"));
  }

  /** A file a service sees at {@code inContainer}, as this repository holds it (through a bind mount). */
  static Path inRepo(String service, Path inContainer) {
    ComposeFile.Mount m = compose.mountContaining(service, inContainer).orElseThrow(() -> new AssertionError(
        "compose service " + service + " mounts nothing that holds " + inContainer + "; its mounts: "
            + compose.mounts(service)));
    assertFalse(m.named(), inContainer + " in compose service " + service + " should come from a file of"
        + " this repository, not volume " + m.source());
    return repo.resolve(m.source()).resolve(Path.of(m.target()).relativize(inContainer)).normalize();
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
