package io.stepcarecovery.checklist;

/**
 * What the ACME check runs to answer one challenge, for as long as the order takes: bound before
 * the CA is told to validate, closed (socket released) whatever happens after.
 */
interface ChallengeResponder extends AutoCloseable {
  /** How many validation requests it answered (the CA's, plus any retries). */
  int answered();

  @Override
  void close();
}
