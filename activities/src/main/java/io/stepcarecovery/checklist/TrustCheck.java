package io.stepcarecovery.checklist;

import static io.stepcarecovery.checklist.ChecklistItem.TRUST;

import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The runbook's "Root CA trusted on clients" and "Intermediate CA valid": the CA's TLS chain
 * checked step by step against the configured trust anchor, so a failure can be named.
 */
final class TrustCheck {
  static final String ROOT_TRUSTED = "Root CA trusted on clients";
  static final String INTERMEDIATE_VALID = "Intermediate CA valid";
  static final int INTERMEDIATE_MIN_DAYS = 7;
  private static final Duration TIMEOUT = CaSide.TIMEOUT;

  private TrustCheck() {}

  static List<ChecklistItem> check(CaConfig c) {
    List<X509Certificate> roots = Fingerprints.certificates(c.rootCert());
    X509Certificate trusted = roots.get(0);
    String trustedFp = Fingerprints.of(trusted);
    Instant now = Instant.now();
    List<X509Certificate> chain;
    try {
      chain = TlsProbe.presentedChain(c.url(), TIMEOUT);
    } catch (IOException e) {
      Diagnosis d = Diagnoses.caUnreachable(c.url());
      String detail = "TLS to " + c.url() + " failed: " + CheckText.describe(e);
      return List.of(ChecklistItem.failed(TRUST, ROOT_TRUSTED, detail, d.diagnosis(), d.action()),
          ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, detail, d.diagnosis(), d.action()));
    }
    X509Certificate leaf = chain.get(0);
    String host = URI.create(c.url()).getHost();
    String problem = TlsProbe.pkixProblem(chain, roots, List.of(), now);
    CaSide.ServedRoot served = null;

    ChecklistItem rootItem;
    if (problem == null && TlsProbe.hostMatches(host, leaf)) {
      rootItem = ChecklistItem.passed(TRUST, ROOT_TRUSTED, "TLS to " + c.url() + " verifies against the configured root "
          + trustedFp + " (" + CheckText.describeChain(chain) + " → '" + TlsProbe.commonName(trusted) + "')");
    } else if (problem == null) {
      Diagnosis d = Diagnoses.caNameMismatch(host);
      rootItem = ChecklistItem.failed(TRUST, ROOT_TRUSTED, "the chain verifies against the configured root, but the CA's"
          + " certificate names " + TlsProbe.names(leaf), d.diagnosis(), d.action());
    } else {
      served = CaSide.servedRoot(c, chain);
      rootItem = CaSide.rootNotTrustedItem(TRUST, ROOT_TRUSTED, c, served, trustedFp,
          "TLS to " + c.url() + " does not verify against the configured root " + c.rootCert() + ": " + problem);
    }

    ChecklistItem interItem;
    X509Certificate inter = chain.stream().skip(1).filter(x -> TlsProbe.signedBy(leaf, x)).findFirst().orElse(null);
    if (inter == null) {
      Diagnosis d = Diagnoses.caIntermediateMissing();
      interItem = ChecklistItem.failed(TRUST, INTERMEDIATE_VALID, "the CA presents " + CheckText.describeChain(chain),
          d.diagnosis(), d.action());
    } else {
      String name = "intermediate '" + TlsProbe.commonName(inter) + "' (" + Fingerprints.of(inter) + ")";
      long days = TlsProbe.daysLeft(inter, now);
      // A verified chain (problem == null) reaches the root, through more intermediates if there are any.
      if (problem != null && roots.stream().noneMatch(r -> TlsProbe.signedBy(inter, r))) {
        if (served == null) {
          served = CaSide.servedRoot(c, chain);
        }
        interItem = CaSide.rootNotTrustedItem(TRUST, INTERMEDIATE_VALID, c, served, trustedFp,
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
}
