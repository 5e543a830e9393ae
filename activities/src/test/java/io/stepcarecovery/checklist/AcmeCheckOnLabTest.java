package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeChallengeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACME item against the real step-ca 0.19 of lab/up: a real order for {@code localhost},
 * answered by the check's own responder on 127.0.0.1 (step-ca validates localhost there), and
 * what the item says when the provisioner is gone, when it cannot finish, and when the config
 * does not let it finish.
 */
@Tag("lab")
class AcmeCheckOnLabTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void healthyLab_http01_obtainsARealCertificateNamedInTheDetail_whoseChainVerifiesAgainstTheLabRoot() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      CaConfig ca = lab.config().ca("lab");
      assertEquals(new AcmeChallengeConfig("http-01", "127.0.0.1:80"), ca.acme().challenge(), "lab/up configures it");
      assertEquals("localhost", ca.acme().identifier());

      long t0 = System.nanoTime();
      AcmeFlow.Outcome out = AcmeCheck.run(ca, AcmeFlow.FRESH_KEYS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      ChecklistItem item = out.item();
      System.out.println("  " + item + "\n  full ACME flow: " + ms + " ms");

      assertEquals(ChecklistItem.PASSED, item.status(), item::toString);
      assertEquals(AcmeCheck.ACME, item.item());
      assertEquals(ChecklistItem.SERVICE_STATUS, item.group());
      assertNotNull(out.chain());
      X509Certificate leaf = out.chain().get(0);
      assertTrue(item.detail().startsWith("directory, nonce, account, order for localhost, http-01 answered on"
          + " 127.0.0.1:80, finalize: "), item.detail());
      assertTrue(item.detail().contains("serial " + leaf.getSerialNumber()), item.detail());
      assertTrue(item.detail().contains("subject '" + leaf.getSubjectX500Principal().getName() + "'"), item.detail());
      assertTrue(item.detail().contains("issuer '" + leaf.getIssuerX500Principal().getName() + "'"), item.detail());
      assertTrue(item.detail().contains("chains to root " + Fingerprints.ofFile(lab.rootCert())), item.detail());
      assertTrue(leaf.getSubjectAlternativeNames().stream().anyMatch(n -> "localhost".equals(n.get(1))),
          "a certificate for localhost: " + leaf.getSubjectAlternativeNames());

      // Verified here on its own, with the JDK's PKIX validator, against the lab's root.
      verifiesAgainst(out.chain(), lab.rootCert());

      // The CA really ran the order: its log has the challenge answered and the finalize.
      List<String> log = Files.readAllLines(lab.dir().resolve("step-ca.log"));
      assertTrue(log.stream().anyMatch(l -> l.contains("/finalize") && l.contains("status=200")),
          "no successful finalize in the CA log");
      assertTrue(log.stream().anyMatch(l -> l.contains("/new-account") && l.contains("status=201")),
          "no new account in the CA log");
      assertFalse(item.detail().contains("PRIVATE KEY"), item.detail());

      // What it adds to every recovery and verify, once the JVM has loaded the client (a worker's second check).
      long t1 = System.nanoTime();
      ChecklistItem again = AcmeCheck.run(ca, AcmeFlow.FRESH_KEYS).item();
      System.out.println("  full ACME flow, again in the same JVM: " + (System.nanoTime() - t1) / 1_000_000 + " ms");
      assertEquals(ChecklistItem.PASSED, again.status(), again::toString);
    }
  }

  @Test
  void tlsAlpn01On443_obtainsARealCertificate() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      CaConfig ca = withAcme(lab.config().ca("lab"),
          a -> new AcmeConfig(a.provisioner(), "localhost", new AcmeChallengeConfig("tls-alpn-01", "127.0.0.1:443")));
      AcmeFlow.Outcome out = AcmeCheck.run(ca, AcmeFlow.FRESH_KEYS);
      System.out.println("  " + out.item());
      assertEquals(ChecklistItem.PASSED, out.item().status(), out.item()::toString);
      assertTrue(out.item().detail().contains("tls-alpn-01 answered on 127.0.0.1:443"), out.item().detail());
      verifiesAgainst(out.chain(), lab.rootCert());
    }
  }

  @Test
  void noChallengeConfigured_itemIsPartial_namesHowFarItGot_andIsNotCountedAsPassed() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      CaConfig noChallenge = withAcme(lab.config().ca("lab"), a -> new AcmeConfig(a.provisioner(), "localhost", null));
      AcmeFlow.Outcome out = AcmeCheck.run(noChallenge, AcmeFlow.FRESH_KEYS);
      ChecklistItem item = out.item();
      System.out.println("  " + item);
      assertEquals(ChecklistItem.PARTIAL, item.status(), item::toString);
      assertTrue(item.isPartial() && !item.isPassed() && !item.isFailed());
      assertNull(out.chain());
      assertTrue(item.detail().startsWith("partly tested — directory, nonce, account, order for localhost passed;"
          + " no certificate was obtained"), item.detail());
      assertEquals("the challenge, finalize and certificate: acme.challenge is not configured for CA lab",
          item.diagnosis());
      assertTrue(item.action().contains("acme.challenge"), item.action());

      CaConfig noIdentifier = withAcme(lab.config().ca("lab"), a -> new AcmeConfig(a.provisioner()));
      ChecklistItem accountOnly = AcmeCheck.run(noIdentifier, AcmeFlow.FRESH_KEYS).item();
      System.out.println("  " + accountOnly);
      assertEquals(ChecklistItem.PARTIAL, accountOnly.status());
      assertTrue(accountOnly.detail().startsWith("partly tested — directory, nonce, account passed;"), accountOnly.detail());
      assertTrue(accountOnly.diagnosis().startsWith("the order, challenge, finalize and certificate: acme.identifier"),
          accountOnly.diagnosis());

      // In the checklist's count and in its JSON, a partial item is not a pass.
      ChecklistItem passed = ChecklistItem.passed(ChecklistItem.TRUST, "Root CA trusted on clients", "ok");
      assertEquals("1 of 2 checks passed, 1 partly tested (ACME endpoint reachable)",
          Checklists.tally(List.of(item, passed)));
      JsonNode json = JSON.valueToTree(item);
      assertEquals("partial", json.get("status").asText());
      assertFalse(json.has("passed") || json.has("failed") || json.has("partial"), json.toString());
    }
  }

  @Test
  void acmeProvisionerRemovedFromCaJson_failsWithProvisionerMissingDiagnosis() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      lab.ctl("stop");
      ObjectNode caJson = (ObjectNode) JSON.readTree(lab.caJson().toFile());
      ArrayNode provisioners = (ArrayNode) caJson.path("authority").path("provisioners");
      int removed = 0;
      for (int i = provisioners.size() - 1; i >= 0; i--) {
        if (provisioners.get(i).path("type").asText().equals("ACME")) {
          provisioners.remove(i);
          removed++;
        }
      }
      assertEquals(1, removed);
      JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(lab.caJson().toFile(), caJson);
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(20)), "CA did not come back without its ACME provisioner");

      ChecklistItem item = AcmeCheck.run(lab.config().ca("lab"), AcmeFlow.FRESH_KEYS).item();
      System.out.println("  " + item);
      assertTrue(item.isFailed(), item.toString());
      assertEquals(Diagnoses.acmeProvisionerMissing("acme"), new Diagnoses.Diagnosis(item.diagnosis(), item.action()));
      assertTrue(item.detail().contains("HTTP 404"), item.detail());
      assertTrue(item.detail().contains("has no ACME provisioner"), item.detail());
    }
  }

  @Test
  void caCannotReachTheResponder_challengeFailsWithTheCasProblemAndNamesTheAddress() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      // The responder listens where the CA does not look: step-ca fetches http://localhost:80/...
      CaConfig elsewhere = withAcme(lab.config().ca("lab"),
          a -> new AcmeConfig(a.provisioner(), "localhost", new AcmeChallengeConfig("http-01", "127.0.0.1:18089")));
      long t0 = System.nanoTime();
      ChecklistItem item = AcmeCheck.run(elsewhere, AcmeFlow.FRESH_KEYS).item();
      System.out.println("  " + item + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      assertTrue(item.isFailed(), item.toString());
      assertTrue(item.diagnosis().startsWith("ACME challenge failed: the CA could not validate localhost by http-01"
          + " against this check's responder on 127.0.0.1:18089 (urn:ietf:params:acme:error:"), item.diagnosis());
      assertTrue(item.action().startsWith("On the CA host, localhost must resolve to the address of 127.0.0.1:18089"
          + " and port 80 there must reach it"), item.action());
      assertTrue(item.detail().startsWith("directory, nonce, account, order for localhost passed; http-01 for"
          + " localhost on 127.0.0.1:18089: "), item.detail());
      assertTrue(item.detail().endsWith("the responder answered 0 request(s)"), item.detail());
    }
  }

  @Test
  void responderCannotBind_failsNamingTheAddress() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"));
        java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + taken.getLocalPort();
      CaConfig busy = withAcme(lab.config().ca("lab"),
          a -> new AcmeConfig(a.provisioner(), "localhost", new AcmeChallengeConfig("http-01", listen)));
      ChecklistItem item = AcmeCheck.run(busy, AcmeFlow.FRESH_KEYS).item();
      System.out.println("  " + item);
      assertTrue(item.isFailed(), item.toString());
      assertTrue(item.diagnosis().startsWith("The ACME check could not answer the challenge: it cannot listen on "
          + listen), item.diagnosis());
    }
  }

  static CaConfig withAcme(CaConfig c, UnaryOperator<AcmeConfig> change) {
    return new CaConfig(c.name(), c.host(), c.caConfig(), c.url(), c.rootCert(), c.service(), c.owner(),
        change.apply(c.acme()), c.issuance(), c.backups());
  }

  static void verifiesAgainst(List<X509Certificate> chain, Path rootPem) throws Exception {
    X509Certificate root = Fingerprints.firstCertificate(rootPem);
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, chain.size())), params);
  }
}
