package io.stepcarecovery.ingress;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The ingress (Traefik) side of a recovery. Runs on the ingress host's task queue. */
@ActivityInterface
public interface IngressActivities {
  /**
   * Restarts the ingress so it fetches fresh certificates from the CA. With {@code
   * clearAcmeAccount}, first removes the stored ACME account from its acme.json (a copy is kept
   * beside it): after a restore of an older database the CA may not know that account (step-ca
   * before 0.26.2 answers HTTP 500).
   *
   * @return one line: what was done
   */
  @ActivityMethod
  String restartIngress(String ingress, boolean clearAcmeAccount);
}
