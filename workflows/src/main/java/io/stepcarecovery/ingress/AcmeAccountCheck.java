package io.stepcarecovery.ingress;

import java.util.List;

/**
 * One resolver of an ingress's acme.json as the restored CA sees it. Public facts only: the
 * account key stays in acme.json on the ingress host.
 *
 * @param accountUrl the account's URL as the CA gave it at registration (null when no account)
 * @param email the account's contact, when the resolver has one
 * @param detail what the CA answered, in one line
 * @param newCertificateDue a certificate of this resolver is missing, unreadable, expired or has
 *     less than a third of its lifetime left, so the ingress obtains a new one at its next start
 *     (Traefik tests renewals at start; its renew periods are about a third of a certificate's
 *     duration)
 * @param certificateSha256 SHA-256 fingerprints of the certificates the resolver holds now, to tell
 *     them from a new one
 */
public record AcmeAccountCheck(String ingress, String resolver, String accountUrl, String email,
    AccountStatus status, String detail, boolean newCertificateDue, List<String> certificateSha256) {}
