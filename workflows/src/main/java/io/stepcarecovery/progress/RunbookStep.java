package io.stepcarecovery.progress;

import java.util.Arrays;
import java.util.List;

/**
 * One step of a workflow's runbook, implemented by an enum per workflow so that a step's number
 * and its label are written once, side by side: the number is the constant's position (from 1),
 * the label what a watcher reads (the CLI and the Temporal UI show it).
 */
public interface RunbookStep {
  /** Implemented by every enum. */
  int ordinal();

  String label();

  default int number() {
    return ordinal() + 1;
  }

  /** The labels in order: what the progress query reports, and what the CLI draws before a run starts. */
  static List<String> labels(RunbookStep[] steps) {
    return Arrays.stream(steps).map(RunbookStep::label).toList();
  }
}
