package io.stepcarecovery.ingress;

/**
 * What a recovery found and did about one ACME account of a configured ingress: the per-account
 * line of the recovery's result.
 *
 * @param cleared the account was removed from acme.json (the ingress registers a new one)
 * @param acmeJsonCopy where acme.json as it was before clearing is kept (null when not cleared)
 * @param newCertificate what the ingress served after its restart, when it had to obtain a new
 *     certificate; null when none was due
 * @param summary one line for the operator
 */
public record AcmeAccountOutcome(String ingress, String resolver, String accountUrl, String email,
    AccountStatus status, boolean cleared, String acmeJsonCopy, ServedCertificate newCertificate,
    String summary) {

  /** The account works now: it was known, or was cleared and any certificate due was seen served. */
  public boolean fixedOrFine() {
    return status == AccountStatus.KNOWN || status == AccountStatus.NO_ACCOUNT || status == AccountStatus.FOREIGN
        || cleared && (newCertificate == null || newCertificate.issuedAfter());
  }
}
