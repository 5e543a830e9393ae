package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.ca.StepPath;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lab.LabCa;
import java.io.File;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation checklist against a real step-ca 0.19 (lab/up): each test breaks the lab the
 * way the runbook's failure modes do and asserts the item, its diagnosis and its action.
 */
@Tag("lab")
class ChecksOnLabTest {
  private static final String CA = "lab";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void allChecksPassOnAHealthyLab_andIssuanceReturnsACertificateForTheSubjectThatChainsToTheRoot() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      StepcaRecoveryConfig config = lab.config();
      ValidationActivitiesImpl v = new ValidationActivitiesImpl(config);
      HostCheckActivitiesImpl h = new HostCheckActivitiesImpl(config);

      List<ChecklistItem> items = new ArrayList<>();
      items.addAll(h.checkServiceStatus(CA));
      items.addAll(v.checkAcme(CA));
      items.addAll(v.checkTrust(CA));
      items.addAll(v.checkIssuance(CA));
      for (String url : config.services()) {
        items.addAll(v.checkService(CA, url));
      }

      assertEquals(List.of(
              HostCheckActivitiesImpl.RUNNING, HostCheckActivitiesImpl.NO_STARTUP_ERRORS,
              AcmeCheck.ACME,
              TrustCheck.ROOT_TRUSTED, TrustCheck.INTERMEDIATE_VALID,
              IssuanceCheck.ISSUANCE,
              ServiceCheck.TRAEFIK_CERTS, ServiceCheck.NO_TLS_WARNINGS,
              ServiceCheck.APPS_ACCESSIBLE),
          items.stream().map(ChecklistItem::item).toList());
      items.forEach(i -> System.out.println("  " + i));
      for (ChecklistItem i : items) {
        assertEquals(ChecklistItem.PASSED, i.status(), () -> "not passed: " + i);
      }
      assertEquals(List.of(ChecklistItem.SERVICE_STATUS, ChecklistItem.SERVICE_STATUS, ChecklistItem.SERVICE_STATUS,
              ChecklistItem.TRUST, ChecklistItem.TRUST, ChecklistItem.TRUST,
              ChecklistItem.PLATFORM, ChecklistItem.PLATFORM, ChecklistItem.PLATFORM),
          items.stream().map(ChecklistItem::group).toList());

      String rootFp = Fingerprints.ofFile(lab.rootCert());
      ChecklistItem issuance = items.get(5);
      assertTrue(issuance.detail().contains("for test.internal"), issuance.detail());
      assertTrue(issuance.detail().contains("chains to root " + rootFp), issuance.detail());
      assertTrue(issuance.detail().contains("Intermediate CA', chains"), issuance.detail());
      assertTrue(items.get(4).detail().contains("days left"), items.get(4).detail());
      for (int k = 6; k < 9; k++) {
        assertTrue(items.get(k).detail().contains(lab.appUrl()), items.get(k).detail());
      }
      // the TLS countdown's source: the served leaf's expiry, on the certificate item only
      ChecklistItem served = items.get(6);
      assertEquals(lab.appUrl(), served.service());
      java.time.Instant expires = java.time.Instant.parse(served.expiresAt());
      assertTrue(expires.isAfter(java.time.Instant.now()), served.expiresAt());
      assertTrue(served.detail().contains(Countdown.service(lab.appUrl()) + " expires in "), served.detail());
      assertTrue(items.get(7).expiresAt() == null && items.get(8).expiresAt() == null);

      // The CA really issued it: its request log names the subject and the provisioner.
      String log = Files.readString(lab.dir().resolve("step-ca.log"));
      assertTrue(log.lines().anyMatch(l -> l.contains("path=/1.0/sign") && l.contains("status=201")
          && l.contains("subject=test.internal") && l.contains("provisioner=\"admin")), "no 201 sign for test.internal");

      assertNoSecrets(items, lab);
    }
  }

  @Test
  void rootNotTrusted_configuredRootIsAnotherRoot_trustFailsWithRootNotTrustedDiagnosis() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      Path otherRoot = tmp.resolve("other_root.crt");
      X509Certificate other = selfSignedRoot("Some Other Root CA");
      try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(otherRoot))) {
        w.writeObject(other);
      }
      StepcaRecoveryConfig config = withRoot(lab.config(), otherRoot);
      ValidationActivitiesImpl v = new ValidationActivitiesImpl(config);

      String labRootFp = Fingerprints.ofFile(lab.rootCert());
      String otherFp = Fingerprints.of(other);
      List<ChecklistItem> trust = v.checkTrust(CA);
      ChecklistItem root = item(trust, TrustCheck.ROOT_TRUSTED);
      assertTrue(root.isFailed(), root.toString());
      assertEquals("Root CA not trusted on clients: the CA serves a chain from root " + labRootFp
          + ", clients trust " + otherFp, root.diagnosis());
      assertEquals("Reinstall the root certificate on clients, or — if the CA's root changed — the wrong data"
          + " directory was restored: restore the correct backup", root.action());
      assertTrue(root.detail().contains("ca.json's root on disk: " + labRootFp), root.detail());

      ChecklistItem inter = item(trust, TrustCheck.INTERMEDIATE_VALID);
      assertTrue(inter.isFailed(), inter.toString());
      assertEquals(root.diagnosis(), inter.diagnosis());

      // Every check that talks to the CA names the same cause.
      ChecklistItem acme = v.checkAcme(CA).get(0);
      assertTrue(acme.isFailed(), acme.toString());
      assertEquals(root.diagnosis(), acme.diagnosis());
      ChecklistItem issuance = v.checkIssuance(CA).get(0);
      assertTrue(issuance.isFailed(), issuance.toString());
      assertEquals(root.diagnosis(), issuance.diagnosis());
      // ... and the lab app's certificate, from the lab CA, raises a browser warning.
      ChecklistItem tls = item(v.checkService(CA, lab.appUrl()), ServiceCheck.NO_TLS_WARNINGS);
      assertTrue(tls.isFailed(), tls.toString());
      assertTrue(tls.diagnosis().startsWith("Browser TLS warning: root CA not trusted"), tls.diagnosis());
    }
  }

  @Test
  void acmeProvisionerRenamedInCaJson_acmeFailsWithProvisionerMisconfiguration() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      lab.ctl("stop");
      ObjectNode caJson = (ObjectNode) JSON.readTree(lab.caJson().toFile());
      int renamed = 0;
      for (JsonNode p : caJson.path("authority").path("provisioners")) {
        if (p.path("type").asText().equals("ACME") && p.path("name").asText().equals("acme")) {
          ((ObjectNode) p).put("name", "acme2");
          renamed++;
        }
      }
      assertEquals(1, renamed);
      JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(lab.caJson().toFile(), caJson);
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(20)), "CA did not come back after the rename");

      List<ChecklistItem> items = new ValidationActivitiesImpl(lab.config()).checkAcme(CA);
      assertEquals(1, items.size());
      ChecklistItem acme = items.get(0);
      System.out.println("  " + acme);
      assertEquals(AcmeCheck.ACME, acme.item());
      assertEquals(ChecklistItem.SERVICE_STATUS, acme.group());
      assertTrue(acme.isFailed(), acme.toString());
      assertEquals("Provisioner misconfiguration: no ACME provisioner named acme in ca.json", acme.diagnosis());
      assertEquals("Verify ca.json provisioners (authority.provisioners has an ACME provisioner named acme)"
          + " or fix acme.provisioner in the config", acme.action());
      assertTrue(acme.detail().contains("HTTP 404"), acme.detail());
      assertTrue(acme.detail().contains("ACME provisioner(s): acme2"), acme.detail());

      // Right after the restart, issuance works: the token is minted after the CA's start.
      ChecklistItem issuance = new ValidationActivitiesImpl(lab.config()).checkIssuance(CA).get(0);
      assertEquals(ChecklistItem.PASSED, issuance.status(), issuance::toString);
      System.out.println("  sign requests after the restart: " + Files.readAllLines(lab.dir().resolve("step-ca.log"))
          .stream().filter(l -> l.contains("path=/1.0/sign")).map(l -> l.replaceAll(".*(status=\\d+).*", "$1")).toList());
    }
  }

  /**
   * The runbook's "Service not starting / Permissions incorrect", for real: a restore left
   * secrets/intermediate_ca_key owned by root while the CA runs as its service user. The lab runs
   * as root, so the service user is simulated with {@code setpriv --reuid=nobody}: the test (not
   * ca-ctl) starts the real step-ca as nobody, appending to the lab's log; everything else in
   * STEPPATH belongs to nobody. step-ca itself logs "permission denied" and exits.
   */
  @Test
  void permissionDenied_caStartedAsNobodyViaSetpriv_keyOwnedByRoot_noStartupErrorsFailsWithPermissionsDiagnosis()
      throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      lab.ctl("stop");
      Path dir = lab.dir();
      // nobody must reach the lab dir (the @TempDir is 0700)
      for (Path p = dir; p != null && p.startsWith(tmp.getParent()); p = p.getParent()) {
        if (!p.equals(tmp.getParent())) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      LabCa.run(List.of("chown", "-R", "nobody:nogroup", dir.resolve("step").toString(), dir.resolve("pass").toString()), 30);
      Path key = dir.resolve("step/secrets/intermediate_ca_key");
      LabCa.run(List.of("chown", "root:root", key.toString()), 30);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

      Path bin = LabCa.repo().resolve("lab/build/stepca-lab");
      ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
          bin.toString(), "start", "--password-file", dir.resolve("pass/ca.pass").toString(), lab.caJson().toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("step-ca.log").toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("STEPPATH", dir.resolve("step").toString());
      Process p = pb.start();
      boolean exited = p.waitFor(20, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      assertTrue(exited, "step-ca as nobody kept running: it could read the key after all");
      assertTrue(p.exitValue() != 0, "step-ca as nobody exited 0");
      assertTrue(Files.readString(dir.resolve("step-ca.log")).contains("permission denied"),
          "step-ca did not log permission denied");

      StepcaRecoveryConfig config = lab.config();
      CaConfig c = config.ca(CA);
      List<ChecklistItem> items = new HostCheckActivitiesImpl(config).checkServiceStatus(CA);
      ChecklistItem running = item(items, HostCheckActivitiesImpl.RUNNING);
      ChecklistItem errors = item(items, HostCheckActivitiesImpl.NO_STARTUP_ERRORS);

      String permissions = "Service not starting: permissions incorrect — step-ca cannot read or write its files"
          + " (permission denied)";
      String action = "Fix ownership and modes: chown -R " + c.owner() + " " + StepPath.of(c.caConfig())
          + "; keys in secrets/ mode 0600, directories 0700; then start step-ca";
      assertTrue(errors.isFailed(), errors.toString());
      assertEquals(permissions, errors.diagnosis());
      assertEquals(action, errors.action());
      assertTrue(errors.detail().contains("permission denied") && errors.detail().contains("intermediate_ca_key"),
          errors.detail());
      assertTrue(running.isFailed(), running.toString());
      assertEquals(permissions, running.diagnosis());
      assertNoSecrets(items, lab);

      // The action, carried out (chown -R to the configured owner), fixes it; the old failure
      // lies before the new start and no longer counts.
      LabCa.run(List.of("chown", "-R", c.owner(), dir.resolve("step").toString(), dir.resolve("pass").toString()), 30);
      lab.ctl("start");
      assertTrue(lab.awaitHealthy(Duration.ofSeconds(20)), "CA did not start after the chown");
      List<ChecklistItem> fixed = new HostCheckActivitiesImpl(config).checkServiceStatus(CA);
      assertEquals(ChecklistItem.PASSED, item(fixed, HostCheckActivitiesImpl.RUNNING).status());
      assertEquals(ChecklistItem.PASSED, item(fixed, HostCheckActivitiesImpl.NO_STARTUP_ERRORS).status());
    }
  }

  @Test
  void wrongProvisionerPasswordFileContent_issuanceFailsWithWrongPassword_andNoPasswordAppearsAnywhere()
      throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String wrong = "Wr0ngPassw0rdForTheProvisioner";
      Path pwFile = lab.dir().resolve("pass/provisioner.pass");
      Files.writeString(pwFile, wrong + "\n");
      StepcaRecoveryConfig config = lab.config();
      ValidationActivitiesImpl v = new ValidationActivitiesImpl(config);

      ChecklistItem issuance = v.checkIssuance(CA).get(0);
      System.out.println("  " + issuance);
      assertEquals(IssuanceCheck.ISSUANCE, issuance.item());
      assertTrue(issuance.isFailed(), issuance.toString());
      assertTrue(issuance.diagnosis().startsWith("Wrong provisioner password (issuance.passwordFile)"),
          issuance.diagnosis());
      assertTrue(issuance.diagnosis().contains(pwFile.toString()), issuance.diagnosis());

      // A missing file is the other diagnosis, naming the path.
      Files.delete(pwFile);
      ChecklistItem missing = v.checkIssuance(CA).get(0);
      assertTrue(missing.isFailed(), missing.toString());
      assertEquals("Wrong or missing provisioner password file: " + pwFile + " cannot be read", missing.diagnosis());
      Files.writeString(pwFile, wrong + "\n");

      List<ChecklistItem> all = new ArrayList<>();
      all.addAll(new HostCheckActivitiesImpl(config).checkServiceStatus(CA));
      all.addAll(v.checkAcme(CA));
      all.addAll(v.checkTrust(CA));
      all.add(issuance);
      all.add(missing);
      all.addAll(v.checkIssuance(CA));
      all.addAll(v.checkService(CA, lab.appUrl()));
      for (ChecklistItem i : all) {
        for (String text : texts(i)) {
          assertFalse(text.contains(wrong), () -> "the password file's content leaked into " + i);
        }
      }
      assertNoSecrets(all, lab);
    }
  }

  @Test
  void serviceCheckPassesForTheLabApp_andFailsWithHostnameMismatchWhenTheCertificateNamesAnotherHost()
      throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      ValidationActivitiesImpl v = new ValidationActivitiesImpl(lab.config());
      String ipUrl = "https://127.0.0.1:" + lab.env("APP_PORT") + "/";
      for (String url : List.of(lab.appUrl(), ipUrl)) { // lab/up issues SANs localhost and 127.0.0.1
        List<ChecklistItem> ok = v.checkService(CA, url);
        assertEquals(3, ok.size());
        for (ChecklistItem i : ok) {
          assertEquals(ChecklistItem.PASSED, i.status(), i::toString);
          assertEquals(ChecklistItem.PLATFORM, i.group());
          assertTrue(i.detail().contains(url), i.detail());
        }
      }

      // nginx (standing in for Traefik) now serves a certificate from the lab CA for another name.
      Path dir = lab.dir();
      Path crt = dir.resolve("app/elsewhere.crt");
      Path key = dir.resolve("app/elsewhere.key");
      LabCa.run(List.of("env", "STEPPATH=" + dir.resolve("step"), LabCa.repo().resolve("lab/build/stepca-lab").toString(),
          "certificate", "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
          "--password-file", dir.resolve("pass/provisioner.pass").toString(), "--san", "elsewhere.internal",
          "elsewhere.internal", crt.toString(), key.toString()), 60);
      Files.move(crt, dir.resolve("app/localhost.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.move(key, dir.resolve("app/localhost.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      LabCa.run(List.of(LabCa.repo().resolve("lab/app-ctl").toString(), dir.toString(), "restart"), 60);

      List<ChecklistItem> items = v.checkService(CA, lab.appUrl());
      ChecklistItem certs = item(items, ServiceCheck.TRAEFIK_CERTS);
      ChecklistItem tls = item(items, ServiceCheck.NO_TLS_WARNINGS);
      ChecklistItem app = item(items, ServiceCheck.APPS_ACCESSIBLE);
      assertEquals(ChecklistItem.PASSED, certs.status(), "still a valid certificate from the internal CA: " + certs);
      assertTrue(tls.isFailed(), tls.toString());
      assertEquals("Browser TLS warning: hostname mismatch — the certificate of " + lab.appUrl()
          + " names elsewhere.internal, not localhost", tls.diagnosis());
      assertTrue(tls.action().contains("restart Traefik"), tls.action());
      assertTrue(app.isFailed(), app.toString());
      assertEquals(tls.diagnosis(), app.diagnosis());
      assertTrue(app.detail().contains(lab.appUrl()), app.detail());
    }
  }

  // ------------------------------------------------------------------ helpers

  private static ChecklistItem item(List<ChecklistItem> items, String name) {
    items.forEach(i -> System.out.println("  " + i));
    return items.stream().filter(i -> i.item().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no item '" + name + "' in " + items));
  }

  private static List<String> texts(ChecklistItem i) {
    List<String> t = new ArrayList<>();
    for (String s : new String[] {i.detail(), i.diagnosis(), i.action()}) {
      if (s != null) {
        t.add(s);
      }
    }
    return t;
  }

  /** No CA/provisioner password and nothing JWT/JWE-shaped (tokens, the encrypted key) in any item. */
  private static void assertNoSecrets(List<ChecklistItem> items, LabCa lab) throws Exception {
    String caPassword = Files.readString(lab.dir().resolve("pass/ca.pass"), StandardCharsets.UTF_8).strip();
    assertFalse(caPassword.isEmpty());
    for (ChecklistItem i : items) {
      for (String text : texts(i)) {
        assertFalse(text.contains(caPassword), () -> "the CA password leaked into " + i);
        assertFalse(text.contains("eyJ"), () -> "a token or JWE leaked into " + i);
      }
    }
  }

  private static StepcaRecoveryConfig withRoot(StepcaRecoveryConfig config, Path root) {
    List<CaConfig> cas = config.cas().stream().map(c -> new CaConfig(c.name(), c.host(), c.caConfig(), c.url(), root,
        c.service(), c.owner(), c.acme(), c.issuance(), c.backups())).collect(Collectors.toList());
    return new StepcaRecoveryConfig(config.source(), config.temporal(), cas, config.ingress(), config.services(), config.lockDir());
  }

  private static X509Certificate selfSignedRoot(String cn) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    X500Name name = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(3650))), name, kp.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    assertNotNull(cert);
    return cert;
  }
}
