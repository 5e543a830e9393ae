package io.stepcarecovery.checklist;

import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import java.util.List;

/**
 * The validation checks, as a restore drill makes them against its sandbox: the same classes
 * the checklist uses, given a CA config whose url and caConfig are the sandbox's (and whose
 * rootCert is still the production trust anchor).
 */
public final class SandboxChecks {
  private SandboxChecks() {}

  /** "Root CA trusted on clients", "Intermediate CA valid". */
  public static List<ChecklistItem> trust(CaConfig sandbox) {
    return TrustCheck.check(sandbox);
  }

  /** "Certificate issuance functional" through the configured JWK provisioner. */
  public static ChecklistItem issuance(CaConfig sandbox) throws Exception {
    return IssuanceCheck.check(sandbox);
  }

  /** "ACME endpoint reachable": the full order, with throwaway keys, as in a recovery. */
  public static ChecklistItem acme(CaConfig sandbox) {
    return AcmeCheck.check(sandbox, AcmeFlow.FRESH_KEYS);
  }

  /** Why a step-ca did not start, from its log lines: the diagnoses a real recovery gives. */
  public static LogScanner.Finding startFailure(List<String> lines, CaConfig sandbox, java.nio.file.Path stepPath,
      String address) {
    return LogScanner.scan(lines, new LogScanner.Context(sandbox.owner(), stepPath, address)).decisive();
  }
}
