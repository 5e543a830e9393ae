package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.SERVICE_STATUS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The runbook's "ACME endpoint reachable", for real: the ACME directory lists what a client needs,
 * a new nonce is handed out (that touches the CA's database, which /health does not), then
 * {@link AcmeFlow} does what an ACME client does, up to a certificate chained to the root. Without
 * acme.identifier / acme.challenge in the config the item is "partial", never "passed".
 */
final class AcmeCheck {
  static final String ACME = "ACME endpoint reachable";
  private static final Duration TIMEOUT = CaSide.TIMEOUT;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AcmeCheck() {}

  static ChecklistItem check(CaConfig c, Supplier<KeyPair> keys) {
    return run(c, keys).item();
  }

  /** The item, and the certificate chain when the flow got one; {@code keys} makes its throwaway keys. */
  static AcmeFlow.Outcome run(CaConfig c, Supplier<KeyPair> keys) {
    Instant start = Instant.now();
    if (c.acme() == null || c.acme().provisioner() == null || c.acme().provisioner().isBlank()) {
      return new AcmeFlow.Outcome(ChecklistItem.skipped(SERVICE_STATUS, ACME, "no acme block for CA " + c.name()
          + " in the config"), null);
    }
    ChecklistItem reachable = reachable(c);
    if (reachable != null) {
      return new AcmeFlow.Outcome(reachable, null);
    }
    String dirUrl = directoryUrl(c);
    return AcmeFlow.run(c, dirUrl, Fingerprints.certificates(c.rootCert()), keys, start,
        List.of("directory", "nonce"));
  }

  private static String directoryUrl(CaConfig c) {
    return CaSide.base(c) + "/acme/" + c.acme().provisioner() + "/directory";
  }

  /** The directory and a nonce, with the diagnoses of a missing provisioner; null when both are fine. */
  private static ChecklistItem reachable(CaConfig c) {
    String prov = c.acme().provisioner();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    OkHttpClient http = HttpsClients.trusting(roots, TIMEOUT);
    String dirUrl = directoryUrl(c);
    JsonNode dir;
    try (Response r = http.newCall(new Request.Builder().url(dirUrl).build()).execute()) {
      String body = CheckText.body(r);
      if (r.code() == 404 || (body.contains("provisioner") && body.contains("not found"))) {
        Diagnosis d = Diagnoses.acmeProvisionerMissing(prov);
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "GET " + dirUrl + " → HTTP " + r.code() + " "
            + CheckText.message(body) + acmeProvisionersOnDisk(c), d.diagnosis(), d.action());
      }
      if (r.code() != 200) {
        Diagnosis d = Diagnoses.acmeDirectoryInvalid();
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "GET " + dirUrl + " → HTTP " + r.code() + " "
            + CheckText.message(body), d.diagnosis(), d.action());
      }
      try {
        dir = JSON.readTree(body);
      } catch (IOException e) {
        dir = null;
      }
      List<String> missing = new ArrayList<>();
      for (String f : List.of("newNonce", "newAccount", "newOrder")) {
        if (dir == null || !dir.path(f).isTextual()) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty()) {
        Diagnosis d = Diagnoses.acmeDirectoryInvalid();
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "GET " + dirUrl + " → HTTP 200 without "
            + String.join(", ", missing), d.diagnosis(), d.action());
      }
    } catch (IOException e) {
      return CaSide.connectionFailure(SERVICE_STATUS, ACME, c, roots, "GET " + dirUrl, e);
    }
    String nonceUrl = dir.path("newNonce").asText();
    try (Response r = http.newCall(new Request.Builder().url(nonceUrl).head().build()).execute()) {
      String nonce = r.header("Replay-Nonce");
      if (!r.isSuccessful() || nonce == null || nonce.isBlank()) {
        Diagnosis d = r.code() >= 500 ? Diagnoses.acmeNonceFailed(r.code()) : Diagnoses.acmeDirectoryInvalid();
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "HEAD " + nonceUrl + " → HTTP " + r.code()
            + (nonce == null ? " without a Replay-Nonce header" : ""), d.diagnosis(), d.action());
      }
      return null;
    } catch (IOException e) {
      return CaSide.connectionFailure(SERVICE_STATUS, ACME, c, roots, "HEAD " + nonceUrl, e);
    }
  }

  private static String acmeProvisionersOnDisk(CaConfig c) {
    return CaSide.readCaJson(c).map(j -> {
      List<String> acme = j.provisioners().stream().filter(p -> p.type().equalsIgnoreCase("ACME"))
          .map(CaJson.Provisioner::name).toList();
      return "; " + j.file() + " has " + (acme.isEmpty() ? "no ACME provisioner"
          : "ACME provisioner(s): " + String.join(", ", acme));
    }).orElse("");
  }
}
