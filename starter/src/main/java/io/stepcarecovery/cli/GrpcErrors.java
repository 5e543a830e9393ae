package io.stepcarecovery.cli;

import io.grpc.StatusRuntimeException;
import io.stepcarecovery.text.TerminalText;

/** A Temporal service's refusal as one line a person can act on. */
final class GrpcErrors {
  private GrpcErrors() {}

  static String message(StatusRuntimeException e) {
    String said = e.getStatus().getDescription() == null ? "" : TerminalText.line(e.getStatus().getDescription());
    return switch (e.getStatus().getCode()) {
      case NOT_FOUND -> "not found: " + said + " (a workflow id is the one a command printed when it"
          + " started the run; runs of an embedded service are gone when its command ends)";
      case UNAVAILABLE, DEADLINE_EXCEEDED -> "the Temporal service did not answer ("
          + e.getStatus().getCode() + ": " + said + "): start it or fix --temporal / TEMPORAL_ADDRESS";
      default -> "the Temporal service refused (" + e.getStatus().getCode() + "): " + said;
    };
  }
}
