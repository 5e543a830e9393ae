package io.stepcarecovery.ca;

import io.stepcarecovery.probe.ProbeActivities;
import io.stepcarecovery.progress.Progress;
import io.stepcarecovery.progress.RunbookStep;
import io.temporal.failure.ApplicationFailure;

/**
 * One truth about config: the worker on the shared queue resolves a CA name with its own config,
 * and the command that started the run with its own. When both describe the CA otherwise (another
 * caConfig, url or store: another lab with the same CA name), the run is refused before anything
 * is touched, naming both, instead of acting on the worker's CA silently.
 */
public final class SameConfig {
  /** The failure type; the CLI exits 2 on it. */
  public static final String CONFIG_MISMATCH = "ConfigMismatch";

  private SameConfig() {}

  /**
   * @param expect the starting side's view, or null (a client that sent none: nothing to compare)
   * @param probe where the describe activity ran (local or on the shared queue): the same worker's view
   */
  public static void check(Progress progress, RunbookStep step, CaDescription ca, CaView expect, ProbeActivities probe) {
    if (expect == null) {
      return;
    }
    CaView worker = probe.view(ca.name());
    if (!worker.equals(expect)) {
      String why = "the worker's config describes CA " + ca.name() + " otherwise than this command's —"
          + " worker: " + worker.describe() + "; command: " + expect.describe()
          + ". Nothing was changed. Run the command with the worker's config file, or restart the"
          + " worker with this command's.";
      progress.failed(step, why);
      throw ApplicationFailure.newNonRetryableFailure(why, CONFIG_MISMATCH);
    }
  }
}
