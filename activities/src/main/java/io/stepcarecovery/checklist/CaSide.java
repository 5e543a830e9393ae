package io.stepcarecovery.checklist;

import io.stepcarecovery.ca.CaJson;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What the checks share about the CA they check: its address, its ca.json when this machine can
 * read it, and how a failed request to it is named (down, or serving a root other than the
 * trusted one: found by looking, never by trusting).
 */
final class CaSide {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private CaSide() {}

  static String base(CaConfig c) {
    return c.url().replaceAll("/+$", "");
  }

  /** The root the CA really uses, found without trusting it: only for naming fingerprints. */
  record ServedRoot(String servedFp, String diskFp, String how) {}

  static ServedRoot servedRoot(CaConfig c, List<X509Certificate> chain) {
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
      OkHttpClient look = HttpsClients.lookOnly(TIMEOUT);
      try (Response r = look.newCall(new Request.Builder().url(base(c) + "/roots.pem").build()).execute()) {
        if (r.code() != 200) {
          return List.of();
        }
        return TlsProbe.parsePem(CheckText.body(r));
      }
    } catch (Exception e) {
      return List.of();
    }
  }

  static ChecklistItem rootNotTrustedItem(String group, String item, CaConfig c, ServedRoot served, String trustedFp,
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

  /** A request to the CA failed: name why (untrusted root, down) with the matching diagnosis. */
  static ChecklistItem connectionFailure(String group, String item, CaConfig c, List<X509Certificate> roots,
      String what, IOException e) {
    String trustedFp = Fingerprints.of(roots.get(0));
    if (e instanceof SSLException) {
      try {
        List<X509Certificate> chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
        if (TlsProbe.pkixProblem(chain, roots, List.of(), Instant.now()) != null) {
          return rootNotTrustedItem(group, item, c, servedRoot(c, chain), trustedFp, what + " failed: " + CheckText.describe(e));
        }
      } catch (IOException ignored) {
        // fall through: unreachable
      }
    }
    Diagnosis d = Diagnoses.caUnreachable(c.url());
    return ChecklistItem.failed(group, item, what + " failed: " + CheckText.describe(e), d.diagnosis(), d.action());
  }

  static Optional<CaJson> readCaJson(CaConfig c) {
    if (c.caConfig() == null || !Files.isReadable(c.caConfig())) {
      return Optional.empty();
    }
    try {
      return Optional.of(CaJson.read(c.caConfig()));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
