package io.stepcarecovery.probe;

import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.Heartbeat;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongConsumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Probes from a client machine's point of view. */
public class ProbeActivitiesImpl implements ProbeActivities {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProbeActivitiesImpl.class);
  private final StepcaRecoveryConfig config;

  public ProbeActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  @Override
  public CaDescription describe(String ca) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      return new CaDescription(c.name(), c.host(), c.url(), c.service().type(),
          io.stepcarecovery.copies.OffsiteStores.uris(c));
    });
  }

  @Override
  public Platform describePlatform(String ca) {
    return ActivityErrors.run(() -> new Platform(describe(ca),
        config.ingress().stream().map(i -> new Platform.Ingress(i.name(), i.host(), i.acmeJson() != null)).toList(),
        config.services()));
  }

  @Override
  public CurrentHealth currentHealth(String ca, boolean askNonce) {
    return ActivityErrors.run(() -> io.stepcarecovery.checklist.LiveHealth.of(config.ca(ca), askNonce));
  }

  @Override
  public io.stepcarecovery.ca.CaView view(String ca) {
    return ActivityErrors.run(() -> io.stepcarecovery.config.CaViews.of(config.ca(ca)));
  }

  @Override
  public HealthReport awaitHealthy(String ca, int timeoutSeconds) {
    return ActivityErrors.run(() -> {
      CaConfig c = config.ca(ca);
      OkHttpClient http = HttpsClients.trusting(c.rootCert(), Duration.ofSeconds(5));
      String url = c.url().replaceAll("/+$", "") + "/health";
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      LongConsumer beat = Heartbeat.of("waiting for " + url);
      String last = "no answer yet";
      for (int attempt = 1; ; attempt++) {
        try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
          String body = r.body() == null ? "" : r.body().string();
          if (r.code() == 200 && body.replace(" ", "").contains("\"status\":\"ok\"")) {
            log.info("CA {} healthy: {} answered at attempt {}", ca, url, attempt);
            return new HealthReport(url, System.currentTimeMillis(), attempt);
          }
          last = "HTTP " + r.code() + " " + body.strip();
        } catch (IOException e) {
          last = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw ApplicationFailure.newFailure("CA " + ca + " did not answer " + url + " within "
              + timeoutSeconds + " s; last: " + last, "Unhealthy");
        }
        beat.accept(attempt);
        // step-ca answers a few hundred ms after its start: poll every 50 ms for the first
        // 3 s (a local GET), then back off to 1 s.
        Thread.sleep(attempt <= 60 ? 50 : Math.min(1000, 100L * (attempt - 59)));
      }
    });
  }
}
