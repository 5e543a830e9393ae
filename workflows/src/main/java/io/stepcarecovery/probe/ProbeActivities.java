package io.stepcarecovery.probe;

import io.stepcarecovery.ca.CaDescription;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What "a client machine" sees of a CA. Runs on the shared task queue. */
@ActivityInterface
public interface ProbeActivities {
  /** Resolves a CA name from the worker's config into what workflows route by. */
  @ActivityMethod
  CaDescription describe(String ca);

  /** The CA with the ingresses and services of the platform that trusts it. */
  @ActivityMethod
  Platform describePlatform(String ca);

  /**
   * The CA's health right now, answered whether it is up or down (never retried into a wait):
   * {@code GET /health} and, with {@code askNonce}, an ACME {@code HEAD new-nonce}, each with a
   * short timeout. The nonce is written to the CA's database: asked only where a decision
   * depends on it (a recovery that refuses a serving CA), so a restore's checks write nothing.
   */
  @ActivityMethod
  CurrentHealth currentHealth(String ca, boolean askNonce);

  /** The CA as this worker's config describes it (what the CLI compares with its own). */
  @ActivityMethod
  io.stepcarecovery.ca.CaView view(String ca);

  /**
   * Polls {@code GET /health} over TLS verified against the configured root until it answers
   * {@code {"status":"ok"}} or {@code timeoutSeconds} pass.
   */
  @ActivityMethod
  HealthReport awaitHealthy(String ca, int timeoutSeconds);
}
