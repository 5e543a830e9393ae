package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.TRUST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IssuanceConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The runbook's "Certificate issuance functional": a JWK one-time token minted after the CA
 * started, a fresh key and CSR, {@code POST /1.0/sign}, and the certificate checked against the
 * configured root. The provisioner password is read from its file and never leaves this class.
 */
final class IssuanceCheck {
  static final String ISSUANCE = "Certificate issuance functional";
  static final String DEFAULT_SUBJECT = "test.internal";
  private static final Duration TIMEOUT = CaSide.TIMEOUT;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private IssuanceCheck() {}

  static ChecklistItem check(CaConfig c) throws Exception {
    IssuanceConfig is = c.issuance();
    if (is == null || is.provisioner() == null || is.provisioner().isBlank()) {
      return ChecklistItem.skipped(TRUST, ISSUANCE, "no issuance block for CA " + c.name() + " in the config");
    }
    String subject = is.subject() == null || is.subject().isBlank() ? DEFAULT_SUBJECT : is.subject();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    String trustedFp = Fingerprints.of(roots.get(0));
    OkHttpClient http = HttpsClients.trusting(roots, TIMEOUT);

    // 1. The provisioner: from ca.json when this machine can read it, else from the CA's /provisioners.
    ProvisionerKey pk;
    try {
      pk = provisionerKey(c, http, is.provisioner());
    } catch (IOException e) {
      return CaSide.connectionFailure(TRUST, ISSUANCE, c, roots, "GET " + CaSide.base(c) + "/provisioners", e);
    }
    if (pk.encryptedKey() == null || !"JWK".equalsIgnoreCase(pk.type())) {
      Diagnosis d = Diagnoses.issuanceProvisionerMissing(is.provisioner());
      return ChecklistItem.failed(TRUST, ISSUANCE, pk.source() + (pk.type() == null ? " has no provisioner named "
          + is.provisioner() : " has provisioner " + is.provisioner() + " of type " + pk.type()
          + (pk.encryptedKey() == null ? " without an encryptedKey" : "")) + "; provisioners: " + pk.all(),
          d.diagnosis(), d.action());
    }

    // 2. The password (a file; the trailing newline is not part of it) and the key.
    byte[] password;
    Path pwFile = is.passwordFile();
    try {
      if (pwFile == null) {
        throw new NoSuchFileException("(issuance.passwordFile not set)");
      }
      password = stripTrailingNewline(Files.readAllBytes(pwFile));
    } catch (IOException e) {
      Diagnosis d = Diagnoses.passwordFileMissing(pwFile);
      return ChecklistItem.failed(TRUST, ISSUANCE, "cannot read the provisioner password file " + pwFile + ": "
          + e.getClass().getSimpleName(), d.diagnosis(), d.action());
    }
    ECKey key;
    try {
      key = OneTimeToken.decryptKey(pk.encryptedKey(), password);
    } catch (OneTimeToken.WrongPasswordException e) {
      Diagnosis d = Diagnoses.wrongProvisionerPassword(pwFile);
      return ChecklistItem.failed(TRUST, ISSUANCE, "provisioner " + is.provisioner() + " (" + pk.source() + "): "
          + e.getMessage(), d.diagnosis(), d.action());
    }
    String kid = pk.kid() != null ? pk.kid() : key.getKeyID();

    // 3. A fresh key and CSR; a token minted now (after the CA started); POST /1.0/sign.
    Csr csr = Csr.create(subject);
    String signUrl = CaSide.base(c) + "/1.0/sign";
    int attempt = 0;
    while (true) {
      attempt++;
      String ott = OneTimeToken.mint(key, kid, is.provisioner(), CaSide.base(c), subject, List.of(subject), roots.get(0),
          Instant.now());
      String req = JSON.writeValueAsString(Map.of("csr", csr.pem(), "ott", ott));
      try (Response r = http.newCall(new Request.Builder().url(signUrl).post(RequestBody.create(req, JSON_TYPE))
          .build()).execute()) {
        String body = CheckText.body(r);
        if (r.code() == 401 && attempt == 1) {
          // step-ca rejects tokens whose iat lies before its start (whole seconds): a CA that
          // started just now on a clock slightly ahead of ours. Mint once more a second later.
          Thread.sleep(1100 - Instant.now().toEpochMilli() % 1000);
          continue;
        }
        if (r.code() == 401 || r.code() == 403) {
          Diagnosis d = Diagnoses.tokenRejected(c.url());
          return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + r.code() + " "
              + CheckText.message(body) + " (provisioner " + is.provisioner() + ", kid " + kid + ", audience "
              + OneTimeToken.audience(CaSide.base(c)) + ")", d.diagnosis(), d.action());
        }
        if (r.code() != 201 && r.code() != 200) {
          Diagnosis d = Diagnoses.issuanceFailed(r.code());
          return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + r.code() + " "
              + CheckText.message(body), d.diagnosis(), d.action());
        }
        return verifyIssued(signUrl, r.code(), body, subject, csr.publicKey(), roots, trustedFp);
      } catch (IOException e) {
        return CaSide.connectionFailure(TRUST, ISSUANCE, c, roots, "POST " + signUrl, e);
      }
    }
  }

  private static ChecklistItem verifyIssued(String signUrl, int code, String body, String subject, PublicKey ours,
      List<X509Certificate> roots, String trustedFp) {
    // crt first; certChain repeats it and adds the intermediate(s); ca is the issuing intermediate.
    java.util.LinkedHashSet<X509Certificate> unique = new java.util.LinkedHashSet<>();
    try {
      JsonNode j = JSON.readTree(body);
      unique.addAll(TlsProbe.parsePem(j.path("crt").asText("")));
      for (JsonNode pem : j.path("certChain")) {
        unique.addAll(TlsProbe.parsePem(pem.asText("")));
      }
      unique.addAll(TlsProbe.parsePem(j.path("ca").asText("")));
    } catch (Exception e) {
      unique.clear();
    }
    List<X509Certificate> certs = new ArrayList<>(unique);
    if (certs.isEmpty()) {
      Diagnosis d = Diagnoses.issuanceFailed(code);
      return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + code
          + " without a certificate (crt) in the answer", d.diagnosis(), d.action());
    }
    X509Certificate crt = certs.get(0);
    String what = "certificate " + crt.getSerialNumber().toString(16) + " for " + TlsProbe.names(crt) + " from '"
        + TlsProbe.commonName(crt) + "' issuer '" + crt.getIssuerX500Principal().getName() + "'";
    String problem = TlsProbe.pkixProblem(certs, roots, List.of(), Instant.now());
    if (problem != null) {
      Diagnosis d = Diagnoses.issuedCertificateInvalid(trustedFp);
      return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + code + ": " + what
          + " does not chain to the configured root: " + problem, d.diagnosis(), d.action());
    }
    if (!TlsProbe.hostMatches(subject, crt) || !crt.getPublicKey().equals(ours)) {
      Diagnosis d = Diagnoses.issuedWrongSubject(subject, TlsProbe.names(crt));
      return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + code + ": " + what
          + (crt.getPublicKey().equals(ours) ? "" : " (not for the key in the CSR)"), d.diagnosis(), d.action());
    }
    String issuer = certs.stream().skip(1).filter(x -> TlsProbe.signedBy(crt, x)).findFirst()
        .map(TlsProbe::commonName).orElse(crt.getIssuerX500Principal().getName());
    return ChecklistItem.passed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + code + ": certificate "
        + crt.getSerialNumber().toString(16) + " for " + subject + ", issued by '" + issuer + "', chains to root "
        + trustedFp + ", " + TlsProbe.timeLeft(crt, Instant.now()));
  }

  /** The provisioner's public data: where it came from, its type, kid and encryptedKey (null type: not found). */
  record ProvisionerKey(String source, String type, String kid, String encryptedKey, String all) {}

  private static ProvisionerKey provisionerKey(CaConfig c, OkHttpClient http, String name) throws IOException {
    Optional<CaJson> local = CaSide.readCaJson(c);
    if (local.isPresent()) {
      CaJson j = local.get();
      String all = j.provisioners().stream().map(p -> p.name() + " (" + p.type() + ")")
          .collect(Collectors.joining(", "));
      return j.provisioner(name)
          .map(p -> new ProvisionerKey(j.file().toString(), p.type(), p.kid(), p.encryptedKey(), all))
          .orElse(new ProvisionerKey(j.file().toString(), null, null, null, all));
    }
    // Not on this machine: step-ca publishes the provisioners (encrypted keys included) as `step ca token` uses them.
    String url = CaSide.base(c) + "/provisioners?limit=100";
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      if (r.code() != 200) {
        throw new IOException("GET " + url + " → HTTP " + r.code());
      }
      JsonNode list = JSON.readTree(CheckText.body(r)).path("provisioners");
      List<String> all = new ArrayList<>();
      ProvisionerKey found = null;
      for (JsonNode p : list) {
        all.add(p.path("name").asText() + " (" + p.path("type").asText() + ")");
        if (found == null && p.path("name").asText().equals(name)) {
          found = new ProvisionerKey(url, p.path("type").asText(), p.path("key").path("kid").asText(null),
              p.path("encryptedKey").asText(null), null);
        }
      }
      String allText = String.join(", ", all);
      return found == null ? new ProvisionerKey(url, null, null, null, allText)
          : new ProvisionerKey(found.source(), found.type(), found.kid(), found.encryptedKey(), allText);
    }
  }

  static byte[] stripTrailingNewline(byte[] b) {
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    byte[] out = java.util.Arrays.copyOf(b, n);
    java.util.Arrays.fill(b, (byte) 0);
    return out;
  }
}
