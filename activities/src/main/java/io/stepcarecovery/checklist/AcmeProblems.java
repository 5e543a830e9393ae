package io.stepcarecovery.checklist;

import java.util.stream.Collectors;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * How the ACME check quotes the CA: its problem document as "type: detail" (RFC 8555 section
 * 6.7), in step-ca's own words, sub-problems included; a problem never holds a key.
 */
final class AcmeProblems {
  private AcmeProblems() {}

  static String of(AcmeException e) {
    if (e instanceof AcmeServerException s && s.getProblem() != null) {
      return of(s.getProblem());
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + CheckText.short200(m));
  }

  static String of(Problem p) {
    String type;
    try {
      type = p.getType() == null ? "no problem type" : p.getType().toString();
    } catch (RuntimeException e) {
      // a problem document without "type" (step-ca answers some errors so)
      type = "no problem type";
    }
    String detail = p.getDetail().map(d -> ": \"" + CheckText.short200(d) + "\"").orElse("");
    String sub = p.getSubProblems().isEmpty() ? "" : " (" + p.getSubProblems().stream().map(AcmeProblems::of)
        .collect(Collectors.joining("; ")) + ")";
    return type + detail + sub;
  }
}
