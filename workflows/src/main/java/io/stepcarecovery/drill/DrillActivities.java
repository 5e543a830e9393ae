package io.stepcarecovery.drill;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The sandbox side of a restore drill, on the drill host's queue. Nothing here stops, writes or
 * binds anything of the production CA: the sandbox is its own directory under the drill
 * directory, on a free loopback port that is never the production one.
 */
@ActivityInterface
public interface DrillActivities {
  /** Where the CA's drills run (drill.host, else the CA's host): asked on the shared queue. */
  @ActivityMethod
  String drillHost(String ca);

  /**
   * Removes what earlier drills left (a marker file names each sandbox's process, port and
   * directory), then fetches and verifies the backup as a restore does (the archive is hostile)
   * while extracting it into a new sandbox directory, and rewrites the sandbox's ca.json: its
   * address a free loopback port, its db, key, cert and root paths inside the sandbox.
   */
  @ActivityMethod
  Sandbox prepare(String ca, String backup, String from, String drillId);

  /** Starts the sandbox step-ca with the configured backend and waits for /health (heartbeats). */
  @ActivityMethod
  SandboxStart start(String ca, Sandbox sandbox);

  /** Root fingerprint, intermediate, a test issuance through the JWK provisioner, ACME directory. */
  @ActivityMethod
  SandboxCheck check(String ca, Sandbox sandbox);

  /** Stops the sandbox step-ca and removes its directory and marker. Idempotent. */
  @ActivityMethod
  void remove(String ca, String drillId);

  /** Keeps the drill's outcome beside the backup in the CA's store. */
  @ActivityMethod
  void record(String ca, DrillRecord record);
}
