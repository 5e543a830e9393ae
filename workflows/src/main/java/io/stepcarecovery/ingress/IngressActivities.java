package io.stepcarecovery.ingress;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The ingress (Traefik) side of a recovery. Runs on the ingress host's task queue: acme.json and
 * the account keys in it never leave that host; only public facts (URLs, statuses, fingerprints)
 * come back.
 */
@ActivityInterface
public interface IngressActivities {
  /**
   * Restarts the ingress so it fetches fresh certificates from the CA. With {@code
   * clearAcmeAccount}, first removes the stored ACME account of every resolver from its acme.json
   * (a copy is kept beside it). Recoveries now clear with {@link #clearAcmeAccounts} first and
   * pass false; true stays for runs started before.
   *
   * @return one line: what was done
   */
  @ActivityMethod
  String restartIngress(String ingress, boolean clearAcmeAccount);

  /**
   * Asks CA {@code ca} (its ACME provisioner, trusting its configured root) whether it knows each
   * account in the ingress's acme.json: a POST-as-GET to the account URL signed with the
   * account's own key. Reads acme.json only; a malformed or unsafe file fails with one message.
   */
  @ActivityMethod
  List<AcmeAccountCheck> checkAcmeAccounts(String ingress, String ca);

  /**
   * Removes from the ingress's acme.json the accounts whose URL is in {@code accountUrls} (every
   * account with {@code all}), keeping a copy of the file as it was beside it. Certificates stay:
   * the ingress keeps serving them and renews each with its new account when it is due.
   */
  @ActivityMethod
  AcmeAccountsCleared clearAcmeAccounts(String ingress, List<String> accountUrls, boolean all);

  /**
   * Probes the ingress's HTTPS address ({@code ingress[].url}) until it serves a certificate
   * issued after {@code sinceMillis} that is none of {@code previousSha256}, or {@code
   * timeoutSeconds} pass; the chain must verify against CA {@code ca}'s root.
   */
  @ActivityMethod
  ServedCertificate awaitNewCertificate(String ingress, String ca, long sinceMillis,
      List<String> previousSha256, int timeoutSeconds);
}
