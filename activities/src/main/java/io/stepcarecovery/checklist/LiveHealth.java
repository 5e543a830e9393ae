package io.stepcarecovery.checklist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.probe.CurrentHealth;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Is the CA serving right now? Asked once, before a restore or a recovery, so that nobody
 * replaces the data of a CA that works. /health alone is not enough (it answers with a broken
 * database), so an ACME new-nonce is asked for too: step-ca writes each nonce to its database.
 * A CA without an acme block in the config is judged by /health alone, and the detail says so;
 * so is a CA asked without the nonce (a restore, which decides nothing on it and writes nothing).
 */
public final class LiveHealth {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private LiveHealth() {}

  /** @param askNonce ask for a new nonce too (it writes to the CA's database) */
  public static CurrentHealth of(CaConfig c, boolean askNonce) {
    OkHttpClient http;
    try {
      http = HttpsClients.trusting(Fingerprints.certificates(c.rootCert()), TIMEOUT);
    } catch (RuntimeException e) {
      return new CurrentHealth(false, "not checked: root " + c.rootCert() + " unreadable ("
          + CheckText.message(String.valueOf(e.getMessage())) + ")");
    }
    String base = CaSide.base(c);
    String health = base + "/health";
    try (Response r = http.newCall(new Request.Builder().url(health).build()).execute()) {
      String body = CheckText.body(r);
      if (r.code() != 200 || !body.replace(" ", "").contains("\"status\":\"ok\"")) {
        return new CurrentHealth(false, "GET " + health + " → HTTP " + r.code() + " " + CheckText.message(body));
      }
    } catch (IOException e) {
      return new CurrentHealth(false, "GET " + health + " → " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + CheckText.message(e.getMessage())));
    }
    if (!askNonce) {
      return new CurrentHealth(true, "GET " + health + " → ok (new-nonce not asked: it would write to the"
          + " CA's database)");
    }
    if (c.acme() == null || c.acme().provisioner() == null || c.acme().provisioner().isBlank()) {
      return new CurrentHealth(true, "GET " + health + " → ok (no acme block in the config: new-nonce not asked)");
    }
    String dirUrl = base + "/acme/" + c.acme().provisioner() + "/directory";
    String nonceUrl;
    try (Response r = http.newCall(new Request.Builder().url(dirUrl).build()).execute()) {
      JsonNode dir = r.code() == 200 ? JSON.readTree(CheckText.body(r)) : null;
      if (dir == null || !dir.path("newNonce").isTextual()) {
        return new CurrentHealth(false, "GET " + health + " → ok; GET " + dirUrl + " → HTTP " + r.code()
            + " without newNonce");
      }
      nonceUrl = dir.path("newNonce").asText();
    } catch (IOException e) {
      return new CurrentHealth(false, "GET " + health + " → ok; GET " + dirUrl + " → " + e.getClass().getSimpleName());
    }
    try (Response r = http.newCall(new Request.Builder().url(nonceUrl).head().build()).execute()) {
      String nonce = r.header("Replay-Nonce");
      if (!r.isSuccessful() || nonce == null || nonce.isBlank()) {
        return new CurrentHealth(false, "GET " + health + " → ok; HEAD " + nonceUrl + " → HTTP " + r.code()
            + (nonce == null ? " without a Replay-Nonce" : "") + " (its database does not take writes)");
      }
      return new CurrentHealth(true, "GET " + health + " → ok; HEAD " + nonceUrl + " → HTTP " + r.code()
          + " with a Replay-Nonce (its database takes writes)");
    } catch (IOException e) {
      return new CurrentHealth(false, "GET " + health + " → ok; HEAD " + nonceUrl + " → "
          + e.getClass().getSimpleName());
    }
  }
}
