package io.stepcarecovery.ca;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Service control of a CA. Runs on the CA host's task queue. Every method is idempotent. */
@ActivityInterface
public interface CaServiceActivities {
  @ActivityMethod
  ServiceStatus caStatus(String ca);

  /** Returns only once the CA process has exited: badger must be closed before we copy it. */
  @ActivityMethod
  StopReport stopCa(String ca);

  @ActivityMethod
  StartReport startCa(String ca);

  /**
   * Takes the CA for one run ({@code owner} = its workflow id), so that two runs never both stop
   * and start it. The lock lives on the CA host. Re-entrant for the same owner (whichever worker
   * wrote it); a lock whose holder is gone, or that is empty or unreadable, is taken over and the
   * report says what was found; a live holder is refused (CaBusy), naming it.
   */
  @ActivityMethod
  LockReport lockCa(String ca, String owner);

  /** Gives the CA back; only its owner's lock is removed. Idempotent. */
  @ActivityMethod
  void unlockCa(String ca, String owner);
}
