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
   * and start it. Re-entrant for the same owner; refused, naming the holder, for another.
   */
  @ActivityMethod
  void lockCa(String ca, String owner);

  /** Gives the CA back; only its owner's lock is removed. Idempotent. */
  @ActivityMethod
  void unlockCa(String ca, String owner);
}
