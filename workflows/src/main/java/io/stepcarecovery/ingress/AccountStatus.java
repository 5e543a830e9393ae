package io.stepcarecovery.ingress;

/** What the restored CA said about one ACME account an ingress keeps in its acme.json. */
public enum AccountStatus {
  /** The CA answered the account's own signed POST-as-GET with the account: it works. */
  KNOWN,
  /**
   * The CA does not know the account (accountDoesNotExist, unauthorized, or step-ca 0.19's
   * untyped "not found"): it was registered after the backup. Every order with it fails.
   */
  STALE,
  /** The CA knows the account but it is deactivated or revoked: no order with it can succeed. */
  DEACTIVATED,
  /** The account belongs to another ACME server than the recovered CA: not ours to ask about. */
  FOREIGN,
  /** The resolver holds no account yet: the ingress registers one when it needs a certificate. */
  NO_ACCOUNT,
  /** The account key in acme.json cannot be read (Traefik could not use it either). */
  UNREADABLE,
  /** The CA could not be asked (network, TLS, or an answer that says neither yes nor no). */
  UNREACHABLE;

  /** Accounts no order can succeed with: clearing them is the fix. */
  public boolean unusable() {
    return this == STALE || this == DEACTIVATED;
  }
}
