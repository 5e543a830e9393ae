package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "what the restore lost", on the real lab: a certificate issued, an ACME account
 * registered (lego) and a certificate revoked (lego) after the backup; {@code recover} reports the
 * backup's age and what it undid, and {@code losses} on the moved-aside data names exactly those.
 */
@Tag("lab")
class LossesCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void recoverReportsWhatItUndidAndTheListingNamesIt() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      String config = lab.configFile().toString();
      assertEquals(0, Cli.run("backup", "--config", config, "--ca", "lab").exitCode());
      long backupDone = System.currentTimeMillis();

      String issued = serial(issue(lab, "after-backup.internal"));
      Path lego = tmp.resolve("lego");
      lego(lab, lego, "run");
      String legoSerial = serial(Files.readString(lego.resolve("certificates/localhost.crt")));
      lego(lab, lego, "revoke");

      lab.killCa(); // the outage; its data stays, and the recovery moves it aside
      Cli.Run r = Cli.run("recover", "--config", config, "--ca", "lab", "--backup", "latest", "--yes", "--json");
      long recovered = System.currentTimeMillis();
      JsonNode doc = JSON.readTree(r.stdout());
      JsonNode losses = doc.get("losses");
      assertTrue(losses != null && losses.isObject(), r.stdout());
      long age = losses.get("backupAgeSeconds").asLong();
      assertTrue(age >= 0 && age <= (recovered - backupDone) / 1000 + 60, "age " + age);
      assertTrue(losses.get("undone").asBoolean());
      assertTrue(losses.get("summary").asText().contains("revocations made since are undone"), losses.toString());
      assertTrue(losses.get("steps").toString().contains("step ca revoke"), losses.toString());
      assertEquals(1, losses.get("listCommands").size(), losses.toString());

      // The listing, run as the report says (on this, the CA host).
      String[] listing = losses.get("listCommands").get(0).asText().split(" ");
      assertEquals("stepca-recovery", listing[0]);
      List<String> args = new ArrayList<>(List.of(listing).subList(1, listing.length));
      args.add("--json");
      Cli.Run list = Cli.run(args.toArray(String[]::new));
      assertEquals(0, list.exitCode(), list.stdout() + list.stderr());
      JsonNode lost = JSON.readTree(list.stdout());
      List<String> certs = texts(lost.get("certificates"), "serial");
      assertTrue(certs.contains(issued) && certs.contains(legoSerial), certs + " lacks " + issued + "/" + legoSerial);
      assertEquals(List.of(legoSerial), texts(lost.get("revocations"), "serial"));
      assertEquals(1, lost.get("acmeAccounts").size(), lost.toString());
      assertTrue(lost.get("acmeAccounts").get(0).get("contact").toString().contains("losses@example.com"));

      // Text, as the operator reads it.
      Cli.Run text = Cli.run(args.subList(0, args.size() - 1).toArray(String[]::new));
      assertTrue(text.stdout().contains("serial " + issued), text.stdout());
      assertTrue(text.stdout().contains("revoke again: step ca revoke " + legoSerial), text.stdout());

      // A damaged copy of the previous data: one clear error naming the file and where.
      Path aside = Path.of(listing[3]);
      Path damaged = tmp.resolve("damaged");
      LabCa.run(List.of("cp", "-a", aside.toString(), damaged.toString()), 60);
      Path vlog;
      try (Stream<Path> s = Files.walk(damaged)) {
        vlog = s.filter(p -> p.toString().endsWith(".vlog")).findFirst().orElseThrow();
      }
      byte[] bytes = Files.readAllBytes(vlog);
      Files.write(vlog, java.util.Arrays.copyOf(bytes, bytes.length - 7));
      Cli.Run cut = Cli.run("losses", "--previous", damaged.toString(), "--current", listing[5]);
      assertEquals(1, cut.exitCode(), cut.stdout() + cut.stderr());
      assertEquals("", cut.stdout());
      assertEquals(1, cut.stderr().strip().lines().count(), cut.stderr());
      assertTrue(cut.stderr().contains("damaged value log") && cut.stderr().contains(vlog.getFileName() + " at byte "),
          cut.stderr());
      Cli.Run partial = Cli.run("losses", "--previous", damaged.toString(), "--current", listing[5], "--json",
          "--partial");
      assertEquals(1, partial.exitCode(), partial.stdout() + partial.stderr());
      JsonNode part = JSON.readTree(partial.stdout());
      assertTrue(part.get("partial").asBoolean() && part.get("damage").size() == 1, partial.stdout());
      assertTrue(texts(part.get("certificates"), "serial").contains(issued), "what precedes the cut: " + partial.stdout());
      bytes[bytes.length / 2] ^= 0x55;
      Files.write(vlog, bytes);
      Cli.Run flipped = Cli.run("losses", "--previous", damaged.toString(), "--current", listing[5], "--json");
      assertEquals(1, flipped.exitCode(), flipped.stdout() + flipped.stderr());
      JsonNode err = JSON.readTree(flipped.stdout());
      assertTrue(err.get("error").asText().contains("checksum mismatch"), flipped.stdout());

      // The same backup restored again (the CA serves): the text report says what it undid.
      Cli.Run restore = Cli.run("restore", "--config", config, "--ca", "lab", "--backup", "latest", "--yes");
      assertEquals(0, restore.exitCode(), restore.stdout() + restore.stderr());
      assertTrue(restore.stdout().contains("What the restore undid · backup ")
          && restore.stdout().contains("backupAgeSeconds ")
          && restore.stdout().contains("stepca-recovery losses --previous "), restore.stdout());
    }
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> all = new ArrayList<>();
    array.forEach(n -> all.add(n.get(field).asText()));
    return all;
  }

  /** The decimal serial, as step-ca keys it. */
  private static String serial(String pem) throws Exception {
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes()));
    return c.getSerialNumber().toString();
  }

  private static String issue(LabCa lab, String name) throws Exception {
    Path dir = lab.dir();
    Path crt = dir.resolve(name + ".crt");
    LabCa.run(List.of("env", "STEPPATH=" + dir.resolve("step"), LabCa.repo().resolve("lab/build/stepca-lab").toString(),
        "certificate", "--ca-url", lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin",
        "--password-file", dir.resolve("pass/provisioner.pass").toString(), "--san", name, name, crt.toString(),
        dir.resolve(name + ".key").toString()), 60);
    return Files.readString(crt);
  }

  /**
   * lego, a real ACME client, for localhost with http-01 on 127.0.0.1:80 (as root). Another test
   * may hold that port for a moment: only then, it is tried again.
   */
  private static void lego(LabCa lab, Path path, String verb) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "LEGO_CA_CERTIFICATES=" + lab.rootCert(), "lego",
        "--server", lab.caUrl() + "/acme/acme/directory", "--email", "losses@example.com", "--accept-tos",
        "--path", path.toString(), "--http", "--http.port", "127.0.0.1:80", "-d", "localhost", verb));
    for (int attempt = 1; ; attempt++) {
      try {
        LabCa.run(cmd, 120);
        return;
      } catch (IllegalStateException e) {
        if (attempt == 5 || !String.valueOf(e.getMessage()).contains("address already in use")) {
          throw e;
        }
        Thread.sleep(2000);
      }
    }
  }
}
