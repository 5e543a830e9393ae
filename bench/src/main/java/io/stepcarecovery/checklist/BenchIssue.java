package io.stepcarecovery.checklist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import io.stepcarecovery.probe.HttpsClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Bench data: issues certificates through a real step-ca's {@code POST /1.0/sign} (JWK
 * provisioner one-time tokens, a fresh P-256 key and CSR per certificate), on several threads,
 * until the CA's data directory holds at least the wanted number of bytes or the time is up.
 *
 * <p>Usage: BenchIssue CA_URL ROOT_CERT CA_JSON PROVISIONER PASSWORD_FILE DB_DIR TARGET_BYTES
 * THREADS SANS SECONDS. Prints progress and a final line {@code issued=N seconds=S rate=R
 * dbBytes=B}.
 */
public final class BenchIssue {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  public static void main(String[] a) throws Exception {
    String caUrl = a[0];
    Path rootFile = Path.of(a[1]);
    Path caJson = Path.of(a[2]);
    String provisioner = a[3];
    Path pwFile = Path.of(a[4]);
    Path db = Path.of(a[5]);
    long target = Long.parseLong(a[6]);
    int threads = Integer.parseInt(a[7]);
    int sans = Integer.parseInt(a[8]);
    long seconds = Long.parseLong(a[9]);

    ObjectMapper om = new ObjectMapper();
    JsonNode prov = null;
    for (JsonNode p : om.readTree(caJson.toFile()).path("authority").path("provisioners")) {
      if (p.path("name").asText().equals(provisioner) && p.path("type").asText().equalsIgnoreCase("JWK")) {
        prov = p;
      }
    }
    if (prov == null) {
      throw new IllegalArgumentException("no JWK provisioner " + provisioner + " in " + caJson);
    }
    byte[] pw = Files.readAllBytes(pwFile);
    int n = pw.length;
    while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r')) {
      n--;
    }
    ECKey key = OneTimeToken.decryptKey(prov.path("encryptedKey").asText(), java.util.Arrays.copyOf(pw, n));
    String kid = prov.path("key").path("kid").asText(key.getKeyID());
    X509Certificate root;
    try (var in = Files.newInputStream(rootFile)) {
      root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(threads * 2);
    d.setMaxRequestsPerHost(threads * 2);
    OkHttpClient http = HttpsClients.trusting(rootFile, Duration.ofSeconds(30)).newBuilder()
        .dispatcher(d).connectionPool(new ConnectionPool(threads * 2, 1, java.util.concurrent.TimeUnit.MINUTES)).build();
    String signUrl = caUrl.replaceAll("/+$", "") + "/1.0/sign";

    AtomicLong issued = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    long deadline = t0 + seconds * 1_000_000_000L;
    long[] dbBytes = {dirSize(db)};
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int tid = t;
      ts[t] = new Thread(() -> {
        try {
          KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
          g.initialize(new ECGenParameterSpec("secp256r1"));
          java.util.SplittableRandom rnd = new java.util.SplittableRandom();
          long i = 0;
          while (dbBytes[0] < target && System.nanoTime() < deadline) {
            String subject = "bench-" + tid + "-" + (i++) + "-" + Long.toHexString(System.nanoTime()) + ".svc.internal";
            List<String> names = new ArrayList<>();
            names.add(subject);
            for (int s = 1; s < sans; s++) {
              // distinct host names, as a multi-SAN certificate holds (not a repeated pattern
              // that gzip would squeeze unrealistically well)
              names.add(label(rnd, 6 + rnd.nextInt(8)) + "-" + s + "." + ZONES[rnd.nextInt(ZONES.length)]);
            }
            KeyPair kp = g.generateKeyPair();
            String csr = Csr.create(subject, names, kp).pem();
            String ott = OneTimeToken.mint(key, kid, provisioner, caUrl, subject, names, root, Instant.now());
            String body = om.writeValueAsString(Map.of("csr", csr, "ott", ott));
            try (Response r = http.newCall(new Request.Builder().url(signUrl)
                .post(RequestBody.create(body, JSON_TYPE)).build()).execute()) {
              String text = r.body() == null ? "" : r.body().string();
              if (r.code() == 201) {
                issued.incrementAndGet();
              } else if (failed.incrementAndGet() < 5) {
                System.err.println("sign → HTTP " + r.code() + ": " + text);
              } else if (failed.get() > 1000 && issued.get() == 0) {
                return;
              }
            }
          }
        } catch (Exception e) {
          e.printStackTrace();
        }
      });
      ts[t].start();
    }
    long lastReport = System.nanoTime();
    while (true) {
      boolean alive = false;
      for (Thread t : ts) {
        t.join(1000);
        alive |= t.isAlive();
      }
      dbBytes[0] = dirSize(db);
      if (System.nanoTime() - lastReport > 15_000_000_000L || !alive) {
        lastReport = System.nanoTime();
        double s = (lastReport - t0) / 1e9;
        System.err.printf("  issued %d (%.0f/s), db %d MB, %.0f s%n", issued.get(), issued.get() / s,
            dbBytes[0] >> 20, s);
      }
      if (!alive) {
        break;
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("issued=%d failed=%d seconds=%.1f rate=%.1f dbBytes=%d%n", issued.get(), failed.get(), s,
        issued.get() / s, dirSize(db));
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    System.exit(issued.get() > 0 ? 0 : 1);
  }

  private static final String[] ZONES = {"svc.internal", "corp.example.net", "prod.eu-west.internal",
      "dev.internal", "k8s.cluster.local", "edge.example.com", "db.internal", "mesh.internal"};

  static String label(java.util.SplittableRandom rnd, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = "abcdefghijklmnopqrstuvwxyz0123456789".charAt(rnd.nextInt(36));
    }
    return new String(c);
  }

  static long dirSize(Path dir) {
    try (var w = Files.walk(dir)) {
      return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (Exception e) {
      return 0;
    }
  }
}
