package io.stepcarecovery.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.lab.LabCa;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The lab's nginx as Traefik with an ACME resolver (lab/app-ctl --acme): its store is
 * DIR/app/acme.json in Traefik's format, and lego registers and obtains as Traefik would.
 */
final class AcmeLab {
  static final ObjectMapper JSON = new ObjectMapper();
  private final LabCa lab;

  AcmeLab(LabCa lab) {
    this.lab = lab;
  }

  /** The lab's config names acme.json and runs app-ctl --acme for the ingress. */
  static AcmeLab enable(LabCa lab) throws Exception {
    Path config = lab.configFile();
    String dir = lab.dir().toString();
    String yaml = Files.readString(config);
    String ingressLine = yaml.lines().filter(l -> l.contains("app-ctl " + dir + " start")).findFirst().orElseThrow();
    String acme = ingressLine.replace("app-ctl " + dir, "app-ctl --acme " + dir)
        + "\n    acmeJson: " + dir + "/app/acme.json";
    Files.writeString(config, yaml.replace(ingressLine, acme));
    return new AcmeLab(lab);
  }

  Path acmeJson() {
    return lab.dir().resolve("app/acme.json");
  }

  /** What Traefik would do at a restart: register if it has no account, obtain if it has no valid certificate. */
  void restartIngress() {
    LabCa.run(List.of(LabCa.repo().resolve("lab/app-ctl").toString(), "--acme", lab.dir().toString(), "restart"), 120);
  }

  JsonNode account() throws Exception {
    return JSON.readTree(acmeJson().toFile()).path("lab").path("Account");
  }

  String accountUri() throws Exception {
    return account().path("Registration").path("uri").asText(null);
  }

  String accountKeyBase64() throws Exception {
    return account().path("PrivateKey").asText(null);
  }

  X509Certificate storedCertificate() throws Exception {
    JsonNode c = JSON.readTree(acmeJson().toFile()).path("lab").path("Certificates").get(0);
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Base64.getDecoder().decode(c.path("certificate").asText())));
  }

  static String sha256(X509Certificate c) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  /**
   * The CA's ACME provisioner issues 90-second certificates (step-ca's backdate makes them 150 s
   * long), so a certificate obtained before an outage is due for renewal by the time the CA is
   * recovered, as after a real outage of days. Set before the backup: the restored ca.json has it.
   */
  void shortAcmeCertificates() throws Exception {
    ObjectNode ca = (ObjectNode) JSON.readTree(lab.caJson().toFile());
    for (JsonNode p : ca.path("authority").path("provisioners")) {
      if ("ACME".equals(p.path("type").asText())) {
        ((ObjectNode) p).putObject("claims").put("minTLSCertDuration", "30s")
            .put("defaultTLSCertDuration", "90s").put("maxTLSCertDuration", "24h");
      }
    }
    Files.write(lab.caJson(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(ca));
    lab.ctl("stop");
    lab.ctl("start");
    if (!lab.awaitHealthy(Duration.ofSeconds(30))) {
      throw new IllegalStateException("the lab CA did not come back with short ACME certificates");
    }
  }

  /** Sleeps until the stored certificate has less than a third of its lifetime left (Traefik's renewal). */
  void awaitStoredCertificateDue() throws Exception {
    X509Certificate c = storedCertificate();
    Instant nb = c.getNotBefore().toInstant();
    Instant na = c.getNotAfter().toInstant();
    Instant due = na.minus(Duration.between(nb, na).dividedBy(3)).plusSeconds(1);
    long wait = Duration.between(Instant.now(), due).toMillis();
    if (wait > 180_000) {
      throw new IllegalStateException("the ACME certificate is due only at " + due + ": short certificates not in effect");
    }
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  /**
   * 40-character pieces of a base64 key, each inside one 64-character line of its PEM form: a JSON
   * string or a PEM text holding the key holds every one of them.
   */
  static List<String> pieces(String base64) {
    int lines = base64.length() / 64;
    return List.of(base64.substring(64, 104), base64.substring(64 * (lines / 2), 64 * (lines / 2) + 40),
        base64.substring(64 * (lines - 1), 64 * (lines - 1) + 40));
  }
}
