package io.stepcarecovery.checklist;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * The checks a client machine makes. Runs on the shared task queue. Each method returns
 * checklist items (failed items carry diagnosis and action) and throws only when the check
 * itself could not be made (unknown CA name, unreadable config).
 */
@ActivityInterface
public interface ValidationActivities {
  /** "ACME endpoint reachable": directory JSON with newNonce/newAccount/newOrder; HEAD new-nonce → Replay-Nonce. */
  @ActivityMethod
  List<ChecklistItem> checkAcme(String ca);

  /** "Root CA trusted on clients", "Intermediate CA valid". */
  @ActivityMethod
  List<ChecklistItem> checkTrust(String ca);

  /** "Certificate issuance functional": JWK one-time token → POST /1.0/sign → chains to the root. */
  @ActivityMethod
  List<ChecklistItem> checkIssuance(String ca);

  /** "Traefik certificates valid", "No browser TLS warnings", "Applications accessible" for one service URL. */
  @ActivityMethod
  List<ChecklistItem> checkService(String ca, String serviceUrl);
}
