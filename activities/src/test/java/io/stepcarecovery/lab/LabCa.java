package io.stepcarecovery.lab;

import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A real step-ca 0.19 (built from Debian's source by lab/install) with its HTTPS app, started by
 * lab/up for one test and stopped by lab/down. Not a fake: when the lab is not installed, tests
 * fail loudly here rather than skip.
 */
public final class LabCa implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> env;

  private LabCa(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
  }

  public static Path repo() {
    String prop = System.getProperty("stepca.repo");
    Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
    for (Path q = p.toAbsolutePath(); q != null; q = q.getParent()) {
      if (Files.isExecutable(q.resolve("lab/up"))) {
        return q;
      }
    }
    throw new IllegalStateException("cannot find the repository's lab/up from " + p);
  }

  public static LabCa up(Path dir) {
    return up(dir, false);
  }

  public static LabCa up(Path dir, boolean docker) {
    Path repo = repo();
    if (!Files.isExecutable(repo.resolve("lab/build/stepca-lab"))) {
      throw new IllegalStateException("the lab is not installed (no " + repo.resolve("lab/build/stepca-lab")
          + "): run lab/install first (.ci/run does). Lab tests never skip.");
    }
    List<String> cmd = docker ? List.of(repo.resolve("lab/up").toString(), "--docker", dir.toString())
        : List.of(repo.resolve("lab/up").toString(), dir.toString());
    run(cmd, 120);
    return new LabCa(dir, readEnv(dir.resolve("lab.env")));
  }

  /**
   * A lab whose CA keeps its database in MariaDB (lab/up --db mysql): the server on loopback
   * under DIR/db, {@code env} also holds DIR/db/db.env (DB_PORT, DB_SOCKET, DB_USER, DB_NAME,
   * DB_PASSWORD_FILE).
   */
  public static LabCa upMysql(Path dir) {
    Path repo = repo();
    if (!Files.isExecutable(repo.resolve("lab/build/stepca-lab"))) {
      throw new IllegalStateException("the lab is not installed: run lab/install first (.ci/run does)");
    }
    run(List.of(repo.resolve("lab/up").toString(), "--db", "mysql", dir.toString()), 120);
    Map<String, String> env = new HashMap<>(readEnv(dir.resolve("lab.env")));
    env.putAll(readEnv(dir.resolve("db/db.env")));
    return new LabCa(dir, env);
  }

  /** SQL on the lab's MariaDB as its root (unix socket authentication: no password anywhere). */
  public String sql(String statements) {
    return run(List.of("mariadb", "--no-defaults", "--batch", "--skip-column-names",
        "--socket=" + env("DB_SOCKET"), "-uroot", "-e", statements), 60);
  }

  /**
   * A lab with its off-host stores (lab/up --offsite): an sshd, s3proxy and a restic repository
   * on loopback, and the three copies in its config. {@code env} also holds DIR/offsite/offsite.env.
   */
  public static LabCa upOffsite(Path dir) {
    Path repo = repo();
    if (!Files.isExecutable(repo.resolve("lab/build/stepca-lab"))) {
      throw new IllegalStateException("the lab is not installed: run lab/install first (.ci/run does)");
    }
    run(List.of(repo.resolve("lab/up").toString(), "--offsite", dir.toString()), 180);
    Map<String, String> env = new HashMap<>(readEnv(dir.resolve("lab.env")));
    env.putAll(readEnv(dir.resolve("offsite/offsite.env")));
    return new LabCa(dir, env);
  }

  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve("config.yaml");
  }

  public StepcaRecoveryConfig config() {
    return ConfigLoader.load(configFile());
  }

  public String caUrl() {
    return env.get("CA_URL");
  }

  public String appUrl() {
    return env.get("APP_URL");
  }

  public String env(String key) {
    return env.get(key);
  }

  public Path stepPath() {
    return dir.resolve("step");
  }

  public Path caJson() {
    return stepPath().resolve("config/ca.json");
  }

  public Path rootCert() {
    return dir.resolve("trust/root_ca.crt");
  }

  public boolean healthy() {
    OkHttpClient http = HttpsClients.trusting(rootCert(), Duration.ofSeconds(3));
    try (Response r = http.newCall(new Request.Builder().url(caUrl() + "/health").build()).execute()) {
      return r.code() == 200 && r.body().string().contains("ok");
    } catch (IOException e) {
      return false;
    }
  }

  public boolean awaitHealthy(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (healthy()) {
        return true;
      }
      Thread.sleep(200);
    }
    return healthy();
  }

  /** lab/ca-ctl DIR start|stop|status, as an operator would type it. */
  public String ctl(String verb) {
    return run(List.of(repo().resolve("lab/ca-ctl").toString(), dir.toString(), verb), 60);
  }

  public boolean caProcessRunning() {
    try {
      ctl("status");
      return true;
    } catch (IllegalStateException stopped) {
      return false;
    }
  }

  /** An outage as it happens: the CA process dies without closing anything. */
  public void killCa() throws IOException, InterruptedException {
    Path pid = dir.resolve("step-ca.pid");
    if (Files.exists(pid)) {
      String p = Files.readString(pid).strip();
      new ProcessBuilder("kill", "-9", p).inheritIO().start().waitFor();
      for (int i = 0; i < 50 && ProcessHandle.of(Long.parseLong(p)).map(ProcessHandle::isAlive).orElse(false); i++) {
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() {
    run(List.of(repo().resolve("lab/down").toString(), dir.toString()), 120);
  }

  public static String run(List<String> cmd, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("lab-cmd", ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.deleteIfExists(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** DIR/lab.env as lab/up wrote it (KEY=value lines, shell-quoted values unquoted). */
  public static Map<String, String> readEnv(Path file) {
    Map<String, String> env = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          String v = line.substring(eq + 1).strip();
          if (v.length() >= 2 && (v.startsWith("'") || v.startsWith("\""))) {
            v = v.substring(1, v.length() - 1);
          }
          env.put(line.substring(0, eq).replaceFirst("^export\\s+", "").strip(), v);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("lab/up wrote no " + file, e);
    }
    return env;
  }
}
