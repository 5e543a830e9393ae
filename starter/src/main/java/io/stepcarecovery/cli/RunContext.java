package io.stepcarecovery.cli;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a runbook command knows about its run beyond the workflow: the config, the CA it acts on,
 * and the options the person typed, so that every command it prints can be pasted as is.
 *
 * @param config null when the command has none (watch without --config)
 * @param ca the CA's name, or null for a command that does not know it (watch)
 * @param err where notices go (stdout stays the result's)
 * @param plannedSteps the workflow's step titles, drawn as pending until the run answers (empty:
 *     nothing is drawn before the run's own progress)
 */
record RunContext(StepcaRecoveryConfig config, String ca, CommonOptions common, PrintWriter err,
    List<String> plannedSteps) {

  RunContext(StepcaRecoveryConfig config, String ca, CommonOptions common, PrintWriter err) {
    this(config, ca, common, err, List.of());
  }

  /** --config and --temporal as the person gave them (the defaults apply to the printed command too). */
  String options(boolean withTemporal) {
    List<String> o = new ArrayList<>();
    if (common != null && common.config != null) {
      o.add("--config " + quote(common.config.toString()));
    }
    if (withTemporal && common != null && common.temporal != null && !common.temporal.isBlank()) {
      o.add("--temporal " + quote(common.temporal));
    }
    return o.isEmpty() ? "" : " " + String.join(" ", o);
  }

  /** Shell quoting for pasted commands. */
  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
