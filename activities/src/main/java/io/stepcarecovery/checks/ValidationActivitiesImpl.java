package io.stepcarecovery.checks;

import static io.stepcarecovery.checklist.ChecklistItem.PLATFORM;
import static io.stepcarecovery.checklist.ChecklistItem.SERVICE_STATUS;
import static io.stepcarecovery.checklist.ChecklistItem.TRUST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.ValidationActivities;
import io.stepcarecovery.checks.Diagnoses.Diagnosis;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IssuanceConfig;
import io.stepcarecovery.probe.TrustedHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
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
import javax.net.ssl.SSLException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The runbook's validation checklist as a client machine sees it (shared task queue): ACME,
 * trust chain, issuance and the platform's services. A check that finds a problem returns a
 * failed item with diagnosis and action; only an unknown CA or a broken config throws.
 */
public class ValidationActivitiesImpl implements ValidationActivities {
  static final String ACME = "ACME endpoint reachable";
  static final String ROOT_TRUSTED = "Root CA trusted on clients";
  static final String INTERMEDIATE_VALID = "Intermediate CA valid";
  static final String ISSUANCE = "Certificate issuance functional";
  static final String TRAEFIK_CERTS = "Traefik certificates valid";
  static final String NO_TLS_WARNINGS = "No browser TLS warnings";
  static final String APPS_ACCESSIBLE = "Applications accessible";

  static final String DEFAULT_SUBJECT = "test.internal";
  static final int INTERMEDIATE_MIN_DAYS = 7;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final StepcaRecoveryConfig config;

  public ValidationActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  // ================================================================== ACME

  @Override
  public List<ChecklistItem> checkAcme(String ca) {
    return ActivityErrors.run(() -> List.of(acme(config.ca(ca))));
  }

  ChecklistItem acme(CaConfig c) {
    if (c.acme() == null || c.acme().provisioner() == null || c.acme().provisioner().isBlank()) {
      return ChecklistItem.skipped(SERVICE_STATUS, ACME, "no acme block for CA " + c.name() + " in the config");
    }
    String prov = c.acme().provisioner();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    OkHttpClient http = TrustedHttp.client(roots, TIMEOUT);
    String dirUrl = base(c) + "/acme/" + prov + "/directory";
    JsonNode dir;
    try (Response r = http.newCall(new Request.Builder().url(dirUrl).build()).execute()) {
      String body = body(r);
      if (r.code() == 404 || (body.contains("provisioner") && body.contains("not found"))) {
        Diagnosis d = Diagnoses.acmeProvisionerMissing(prov);
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "GET " + dirUrl + " → HTTP " + r.code() + " "
            + message(body) + acmeProvisionersOnDisk(c), d.diagnosis(), d.action());
      }
      if (r.code() != 200) {
        Diagnosis d = Diagnoses.acmeDirectoryInvalid();
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "GET " + dirUrl + " → HTTP " + r.code() + " "
            + message(body), d.diagnosis(), d.action());
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
      return connectionFailure(SERVICE_STATUS, ACME, c, roots, "GET " + dirUrl, e);
    }
    String nonceUrl = dir.path("newNonce").asText();
    try (Response r = http.newCall(new Request.Builder().url(nonceUrl).head().build()).execute()) {
      String nonce = r.header("Replay-Nonce");
      if (!r.isSuccessful() || nonce == null || nonce.isBlank()) {
        Diagnosis d = r.code() >= 500 ? Diagnoses.acmeNonceFailed(r.code()) : Diagnoses.acmeDirectoryInvalid();
        return ChecklistItem.failed(SERVICE_STATUS, ACME, "HEAD " + nonceUrl + " → HTTP " + r.code()
            + (nonce == null ? " without a Replay-Nonce header" : ""), d.diagnosis(), d.action());
      }
      return ChecklistItem.passed(SERVICE_STATUS, ACME, "GET " + dirUrl
          + " lists newNonce, newAccount, newOrder; HEAD new-nonce → HTTP " + r.code() + " with a Replay-Nonce");
    } catch (IOException e) {
      return connectionFailure(SERVICE_STATUS, ACME, c, roots, "HEAD " + nonceUrl, e);
    }
  }

  private static String acmeProvisionersOnDisk(CaConfig c) {
    return readCaJson(c).map(j -> {
      List<String> acme = j.provisioners().stream().filter(p -> p.type().equalsIgnoreCase("ACME"))
          .map(CaJson.Provisioner::name).toList();
      return "; " + j.file() + " has " + (acme.isEmpty() ? "no ACME provisioner"
          : "ACME provisioner(s): " + String.join(", ", acme));
    }).orElse("");
  }

  // ================================================================== Trust

  @Override
  public List<ChecklistItem> checkTrust(String ca) {
    return ActivityErrors.run(() -> trust(config.ca(ca)));
  }

  List<ChecklistItem> trust(CaConfig c) {
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    X509Certificate trusted = roots.get(0);
    String trustedFp = Fingerprints.of(trusted);
    Instant now = Instant.now();
    List<X509Certificate> chain;
    try {
      chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
    } catch (IOException e) {
      Diagnosis d = Diagnoses.caUnreachable(c.url());
      String detail = "TLS to " + c.url() + " failed: " + describe(e);
      return List.of(ChecklistItem.failed(TRUST, ROOT_TRUSTED, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, detail, d.diagnosis(), d.action()));
    }
    X509Certificate leaf = chain.get(0);
    String host = URI.create(c.url()).getHost();
    String problem = TlsProbe.pkixProblem(chain, roots, List.of(), now);
    ServedRoot served = null;

    ChecklistItem rootItem;
    if (problem == null && TlsProbe.hostMatches(host, leaf)) {
      rootItem = ChecklistItem.passed(TRUST, ROOT_TRUSTED, "TLS to " + c.url() + " verifies against the configured root "
          + trustedFp + " (" + describeChain(chain) + " → '" + TlsProbe.commonName(trusted) + "')");
    } else if (problem == null) {
      Diagnosis d = Diagnoses.caNameMismatch(host);
      rootItem = ChecklistItem.failed(TRUST, ROOT_TRUSTED, "the chain verifies against the configured root, but the CA's"
          + " certificate names " + TlsProbe.names(leaf), d.diagnosis(), d.action());
    } else {
      served = servedRoot(c, chain);
      rootItem = rootNotTrustedItem(TRUST, ROOT_TRUSTED, c, served, trustedFp,
          "TLS to " + c.url() + " does not verify against the configured root " + c.rootCert() + ": " + problem);
    }

    ChecklistItem interItem;
    X509Certificate inter = chain.stream().skip(1).filter(x -> TlsProbe.signedBy(leaf, x)).findFirst().orElse(null);
    if (inter == null) {
      Diagnosis d = Diagnoses.caIntermediateMissing();
      interItem = ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, "the CA presents " + describeChain(chain),
          d.diagnosis(), d.action());
    } else {
      String name = "intermediate '" + TlsProbe.commonName(inter) + "' (" + Fingerprints.of(inter) + ")";
      long days = TlsProbe.daysLeft(inter, now);
      // A verified chain (problem == null) reaches the root, through more intermediates if there are any.
      if (problem != null && roots.stream().noneMatch(r -> TlsProbe.signedBy(inter, r))) {
        if (served == null) {
          served = servedRoot(c, chain);
        }
        interItem = rootNotTrustedItem(TRUST, INTERMEDIATE_VALID, c, served, trustedFp,
            name + " is not signed by the configured root " + trustedFp);
      } else if (now.isAfter(inter.getNotAfter().toInstant())) {
        Diagnosis d = Diagnoses.intermediateExpired();
        interItem = ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, name + " expired " + inter.getNotAfter().toInstant(),
            d.diagnosis(), d.action());
      } else if (now.isBefore(inter.getNotBefore().toInstant())) {
        Diagnosis d = Diagnoses.intermediateExpired();
        interItem = ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, name + " is not valid before "
            + inter.getNotBefore().toInstant() + " (clock skew?)", d.diagnosis(), d.action());
      } else if (days < INTERMEDIATE_MIN_DAYS) {
        Diagnosis d = Diagnoses.intermediateExpiringSoon(days);
        interItem = ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, name + " chains to the root and "
            + TlsProbe.timeLeft(inter, now), d.diagnosis(), d.action());
      } else {
        interItem = ChecklistItem.passed(TRUST, INTERMEDIATE_VALID, name + " signed the CA's certificate and chains to the root '"
            + TlsProbe.commonName(trusted) + "', " + days + " days left (until " + inter.getNotAfter().toInstant() + ")");
      }
    }
    return List.of(rootItem, interItem);
  }

  /** The root the CA really uses, found without trusting it: only for naming fingerprints. */
  record ServedRoot(String servedFp, String diskFp, String how) {}

  private ServedRoot servedRoot(CaConfig c, List<X509Certificate> chain) {
    X509Certificate top = chain.get(chain.size() - 1);
    String servedFp = null;
    String how;
    if (TlsProbe.isSelfSigned(top)) {
      servedFp = Fingerprints.of(top);
      how = "the presented chain ends in root '" + TlsProbe.commonName(top) + "'";
    } else {
      // step-ca presents leaf + intermediate; its /roots.pem names the root. Not trusted: the
      // candidate counts only if it really signed the top of the presented chain.
      how = "the presented chain ends in '" + TlsProbe.commonName(top) + "', issued by '"
          + top.getIssuerX500Principal().getName() + "'";
      for (X509Certificate candidate : untrustedRoots(c)) {
        if (TlsProbe.signedBy(top, candidate)) {
          servedFp = Fingerprints.of(candidate);
          how += " (its root from " + base(c) + "/roots.pem)";
          break;
        }
      }
    }
    String diskFp = readCaJson(c).flatMap(j -> {
      try {
        return Optional.of(Fingerprints.ofFile(j.root()));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }).orElse(null);
    return new ServedRoot(servedFp, diskFp, how);
  }

  private static List<X509Certificate> untrustedRoots(CaConfig c) {
    try {
      OkHttpClient look = LookOnlyHttp.client(TIMEOUT);
      try (Response r = look.newCall(new Request.Builder().url(base(c) + "/roots.pem").build()).execute()) {
        if (r.code() != 200) {
          return List.of();
        }
        return TlsProbe.parsePem(body(r));
      }
    } catch (Exception e) {
      return List.of();
    }
  }

  private ChecklistItem rootNotTrustedItem(String group, String item, CaConfig c, ServedRoot served, String trustedFp,
      String what) {
    Diagnosis d = trustedFp.equals(served.servedFp()) ? Diagnoses.caChainInvalid(what)
        : Diagnoses.rootNotTrusted(served.servedFp(), trustedFp);
    StringBuilder detail = new StringBuilder(what).append("; ").append(served.how());
    if (served.diskFp() != null) {
      detail.append("; ca.json's root on disk: ").append(served.diskFp())
          .append(served.diskFp().equals(trustedFp) ? " (the trusted one: the running CA uses other files)"
              : served.diskFp().equals(served.servedFp()) ? " (the one the CA serves)" : "");
    }
    return ChecklistItem.failed(group, item, detail.toString(), d.diagnosis(), d.action());
  }

  // ================================================================== Issuance

  @Override
  public List<ChecklistItem> checkIssuance(String ca) {
    return ActivityErrors.run(() -> List.of(issuance(config.ca(ca))));
  }

  ChecklistItem issuance(CaConfig c) throws Exception {
    IssuanceConfig is = c.issuance();
    if (is == null || is.provisioner() == null || is.provisioner().isBlank()) {
      return ChecklistItem.skipped(TRUST, ISSUANCE, "no issuance block for CA " + c.name() + " in the config");
    }
    String subject = is.subject() == null || is.subject().isBlank() ? DEFAULT_SUBJECT : is.subject();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    String trustedFp = Fingerprints.of(roots.get(0));
    OkHttpClient http = TrustedHttp.client(roots, TIMEOUT);

    // 1. The provisioner: from ca.json when this machine can read it, else from the CA's /provisioners.
    ProvisionerKey pk;
    try {
      pk = provisionerKey(c, http, is.provisioner());
    } catch (IOException e) {
      return connectionFailure(TRUST, ISSUANCE, c, roots, "GET " + base(c) + "/provisioners", e);
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
    String signUrl = base(c) + "/1.0/sign";
    int attempt = 0;
    while (true) {
      attempt++;
      String ott = OneTimeToken.mint(key, kid, is.provisioner(), base(c), subject, List.of(subject), roots.get(0),
          Instant.now());
      String req = JSON.writeValueAsString(Map.of("csr", csr.pem(), "ott", ott));
      try (Response r = http.newCall(new Request.Builder().url(signUrl).post(RequestBody.create(req, JSON_TYPE))
          .build()).execute()) {
        String body = body(r);
        if (r.code() == 401 && attempt == 1) {
          // step-ca rejects tokens whose iat lies before its start (whole seconds): a CA that
          // started just now on a clock slightly ahead of ours. Mint once more a second later.
          Thread.sleep(1100 - Instant.now().toEpochMilli() % 1000);
          continue;
        }
        if (r.code() == 401 || r.code() == 403) {
          Diagnosis d = Diagnoses.tokenRejected(c.url());
          return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + r.code() + " "
              + message(body) + " (provisioner " + is.provisioner() + ", kid " + kid + ", audience "
              + OneTimeToken.audience(base(c)) + ")", d.diagnosis(), d.action());
        }
        if (r.code() != 201 && r.code() != 200) {
          Diagnosis d = Diagnoses.issuanceFailed(r.code());
          return ChecklistItem.failed(TRUST, ISSUANCE, "POST " + signUrl + " → HTTP " + r.code() + " "
              + message(body), d.diagnosis(), d.action());
        }
        return verifyIssued(signUrl, r.code(), body, subject, csr.publicKey(), roots, trustedFp);
      } catch (IOException e) {
        return connectionFailure(TRUST, ISSUANCE, c, roots, "POST " + signUrl, e);
      }
    }
  }

  private ChecklistItem verifyIssued(String signUrl, int code, String body, String subject, PublicKey ours,
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
    Optional<CaJson> local = readCaJson(c);
    if (local.isPresent()) {
      CaJson j = local.get();
      String all = j.provisioners().stream().map(p -> p.name() + " (" + p.type() + ")")
          .collect(Collectors.joining(", "));
      return j.provisioner(name)
          .map(p -> new ProvisionerKey(j.file().toString(), p.type(), p.kid(), p.encryptedKey(), all))
          .orElse(new ProvisionerKey(j.file().toString(), null, null, null, all));
    }
    // Not on this machine: step-ca publishes the provisioners (encrypted keys included) as `step ca token` uses them.
    String url = base(c) + "/provisioners?limit=100";
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      if (r.code() != 200) {
        throw new IOException("GET " + url + " → HTTP " + r.code());
      }
      JsonNode list = JSON.readTree(body(r)).path("provisioners");
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

  // ================================================================== Services

  @Override
  public List<ChecklistItem> checkService(String ca, String serviceUrl) {
    return ActivityErrors.run(() -> service(config.ca(ca), serviceUrl));
  }

  List<ChecklistItem> service(CaConfig c, String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("service URL '" + url + "' in " + config.source() + " is not a URL: " + e.getMessage());
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw new ConfigException("service URL '" + url + "' in " + config.source() + ": expected https://host[:port]/...");
    }
    String host = u.getHost();
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    String trustedFp = Fingerprints.of(roots.get(0));
    Instant now = Instant.now();

    List<X509Certificate> chain;
    try {
      chain = TlsProbe.presentedChain(url, TIMEOUT);
    } catch (IOException e) {
      Diagnosis d = Diagnoses.serviceUnreachable(url);
      String detail = url + ": TLS connection failed: " + describe(e);
      return List.of(ChecklistItem.failed(PLATFORM, TRAEFIK_CERTS, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(PLATFORM, NO_TLS_WARNINGS, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, detail, d.diagnosis(), d.action()));
    }
    X509Certificate leaf = chain.get(0);
    List<X509Certificate> caIntermediates = caIntermediates(c);
    String presentedProblem = TlsProbe.pkixProblem(chain, roots, List.of(), now);
    String withCaIntermediate = presentedProblem == null ? null
        : TlsProbe.pkixProblem(chain, roots, caIntermediates, now);
    boolean issuedByCa = presentedProblem == null || caIntermediates.stream().anyMatch(i -> TlsProbe.signedBy(leaf, i));
    boolean expired = now.isAfter(leaf.getNotAfter().toInstant());
    boolean notYetValid = now.isBefore(leaf.getNotBefore().toInstant());
    String cert = url + ": certificate for " + TlsProbe.names(leaf) + " issued by '"
        + leaf.getIssuerX500Principal().getName() + "', " + TlsProbe.timeLeft(leaf, now);

    // Traefik certificates valid: issued by the internal CA, complete chain, in its validity period.
    ChecklistItem certItem;
    Diagnosis certProblem = null;
    if (expired || notYetValid) {
      certProblem = Diagnoses.certificateExpired(url);
    } else if (!issuedByCa) {
      certProblem = Diagnoses.serviceCertNotFromCa(url, leaf.getIssuerX500Principal().getName());
    } else if (presentedProblem != null && withCaIntermediate == null) {
      certProblem = Diagnoses.chainIncomplete(url);
    } else if (presentedProblem != null) {
      certProblem = Diagnoses.browserRootNotTrusted(url, trustedFp);
    }
    if (certProblem == null) {
      certItem = ChecklistItem.passed(PLATFORM, TRAEFIK_CERTS, cert + "; chain of " + chain.size()
          + " verifies to the internal CA's root " + trustedFp);
    } else {
      certItem = ChecklistItem.failed(PLATFORM, TRAEFIK_CERTS, cert + (presentedProblem == null ? ""
          : "; " + presentedProblem), certProblem.diagnosis(), certProblem.action());
    }

    // No browser TLS warnings: what a browser that trusts only the internal root checks.
    ChecklistItem tlsItem;
    Diagnosis tlsProblem = null;
    String tlsDetail;
    if (presentedProblem != null) {
      tlsProblem = certProblem;
      tlsDetail = url + ": the presented chain does not verify against the configured root: " + presentedProblem;
    } else if (!TlsProbe.hostMatches(host, leaf)) {
      tlsProblem = Diagnoses.hostnameMismatch(url, host, TlsProbe.names(leaf));
      tlsDetail = url + ": host " + host + " is not among the certificate's names (" + TlsProbe.names(leaf) + ")";
    } else {
      tlsDetail = url + ": chain verifies against the configured root and the certificate names " + host;
    }
    tlsItem = tlsProblem == null ? ChecklistItem.passed(PLATFORM, NO_TLS_WARNINGS, tlsDetail)
        : ChecklistItem.failed(PLATFORM, NO_TLS_WARNINGS, tlsDetail, tlsProblem.diagnosis(), tlsProblem.action());

    // Applications accessible: an HTTPS GET as a client that trusts only the internal root.
    ChecklistItem appItem;
    OkHttpClient http = TrustedHttp.client(roots, TIMEOUT);
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      if (r.code() < 500) {
        appItem = ChecklistItem.passed(PLATFORM, APPS_ACCESSIBLE, url + ": GET → HTTP " + r.code());
      } else {
        Diagnosis d = Diagnoses.applicationError(url, r.code());
        appItem = ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, url + ": GET → HTTP " + r.code(), d.diagnosis(),
            d.action());
      }
    } catch (IOException e) {
      Diagnosis d = e instanceof SSLException && tlsProblem != null ? tlsProblem : Diagnoses.serviceUnreachable(url);
      appItem = ChecklistItem.failed(PLATFORM, APPS_ACCESSIBLE, url + ": GET failed: " + describe(e),
          d.diagnosis(), d.action());
    }
    return List.of(certItem, tlsItem, appItem);
  }

  /** The CA's intermediates as its TLS endpoint presents them (best effort; empty when the CA is down). */
  private static List<X509Certificate> caIntermediates(CaConfig c) {
    try {
      List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
      return chain.subList(1, chain.size()).stream().filter(x -> x.getBasicConstraints() >= 0).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  // ================================================================== shared

  /** A request to the CA failed: name why (untrusted root, down) with the matching diagnosis. */
  private ChecklistItem connectionFailure(String group, String item, CaConfig c, List<X509Certificate> roots,
      String what, IOException e) {
    String trustedFp = Fingerprints.of(roots.get(0));
    if (e instanceof SSLException) {
      try {
        List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
        if (TlsProbe.pkixProblem(chain, roots, List.of(), Instant.now()) != null) {
          return rootNotTrustedItem(group, item, c, servedRoot(c, chain), trustedFp, what + " failed: " + describe(e));
        }
      } catch (IOException ignored) {
        // fall through: unreachable
      }
    }
    Diagnosis d = Diagnoses.caUnreachable(c.url());
    return ChecklistItem.failed(group, item, what + " failed: " + describe(e), d.diagnosis(), d.action());
  }

  private static Optional<CaJson> readCaJson(CaConfig c) {
    if (c.caConfig() == null || !Files.isReadable(c.caConfig())) {
      return Optional.empty();
    }
    try {
      return Optional.of(CaJson.read(c.caConfig()));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  private static String base(CaConfig c) {
    return c.url().replaceAll("/+$", "");
  }

  private static String body(Response r) throws IOException {
    return r.body() == null ? "" : r.body().string();
  }

  /** step-ca's error JSON carries "message" (or "detail"); otherwise the start of the body. */
  private static String message(String body) {
    try {
      JsonNode j = JSON.readTree(body);
      if (j != null && j.hasNonNull("message")) {
        return "\"" + short200(j.get("message").asText()) + "\"";
      }
      if (j != null && j.hasNonNull("detail")) {
        return "\"" + short200(j.get("detail").asText()) + "\"";
      }
    } catch (IOException ignored) {
      // not JSON
    }
    return short200(body.strip());
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    if (e instanceof ConnectException) {
      return "connection refused" + (m == null ? "" : " (" + m + ")");
    }
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + short200(m));
  }

  private static String describeChain(List<X509Certificate> chain) {
    return chain.stream().map(x -> "'" + TlsProbe.commonName(x) + "'").collect(Collectors.joining(" → "));
  }

  private static String short200(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 200) + "…";
  }
}
