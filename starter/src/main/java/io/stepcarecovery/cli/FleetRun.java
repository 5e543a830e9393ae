package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.stepcarecovery.Failures;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.text.TerminalText;
import io.stepcarecovery.worker.TemporalSession;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;

/**
 * A runbook command for every configured CA at once ({@code --all}): one workflow per CA, each
 * with its own id as the one-CA command starts it, all started before any is awaited, so CAs on
 * different hosts are worked on together. One line per CA as each ends (in the order they end:
 * a fleet's list of step views would not fit 80×24, and the one line says what to do next), one
 * JSON array with --json (in the config's order). Exit 0 when every CA's run succeeded, 1 when any
 * failed (each named).
 *
 * <p>Needs a Temporal service: a fleet's CAs live on several hosts, and each host's steps must
 * run on that host's worker. An embedded run would do them all in this process, on this host.
 */
final class FleetRun<R> {
  /** Starts the CA's workflow and returns its id. */
  interface Start {
    String start(TemporalSession session, String ca) throws Exception;
  }

  /** The outcome of a run whose workflow completed with {@code result}. */
  interface Judge<R> {
    FleetOutcome of(String ca, String workflowId, R result);
  }

  private final String kind;
  private final String doing;
  private final Class<R> type;
  private final Start start;
  private final Judge<R> judge;

  /**
   * @param kind what one run is, in the summary and the commands it names: "backup"
   * @param doing the headline's verb: "Backing up" (2 CAs)
   */
  FleetRun(String kind, String doing, Class<R> type, Start start, Judge<R> judge) {
    this.kind = kind;
    this.doing = doing;
    this.type = type;
    this.start = start;
    this.judge = judge;
  }

  /** {@code --all} and {@code --ca} name the CAs two ways: one of them. */
  static void refuseWithCa(CaOption ca) {
    if (ca.name != null) {
      throw new ConfigException("--all and --ca exclude each other (--all: every CA in the config)");
    }
  }

  int run(StepcaRecoveryConfig config, List<String> cas, CommonOptions common, WaitOptions wait,
      CommandLine cl) throws Exception {
    PrintWriter out = cl.getOut();
    PrintWriter err = cl.getErr();
    // refused before an embedded service would be started for nothing
    if (TemporalSession.address(config, common.temporal) == null) {
      throw new ConfigException("--all needs a Temporal service (--temporal or temporal.address in "
          + config.source() + "): each CA's host steps run on that host's worker. Without one, run"
          + " one CA at a time on its own host: stepca-recovery " + kind + " --ca NAME");
    }
    try (TemporalSession session = TemporalSession.open(config, common.temporal)) {
      Map<String, String> ids = new LinkedHashMap<>();
      Map<String, FleetOutcome> ended = new LinkedHashMap<>();
      for (String ca : cas) {
        try {
          ids.put(ca, start.start(session, ca));
        } catch (Exception e) {
          // the others are started already, or start next (and must be followed): this CA's
          // failure (refused by the service, a run of that id already there) is its own line
          ended.put(ca, FleetOutcome.failed(ca, null, e instanceof io.grpc.StatusRuntimeException g
              ? GrpcErrors.message(g) : e.getMessage() != null ? e.getMessage() : e.toString()));
        }
      }
      if (wait.noWait) {
        return started(cl, common.json, ids, ended);
      }
      RunContext ctx = new RunContext(config, null, common, err);
      if (!common.json) {
        int n = cas.size();
        out.println(Columns.cut(TerminalText.line(doing + " " + n + " CA" + (n == 1 ? "" : "s") + " (Temporal "
            + session.address() + "): " + String.join(", ", cas)), columns()));
        out.println("  Ctrl-C detaches; the runs go on (each CA's line says how it ended).");
        out.flush();
        ended.values().forEach(o -> print(out, o, width(cas)));
      }
      try (Interrupts interrupts = Interrupts.install(code -> detach(err, session, ids, ended, ctx, code), code -> { })) {
        await(session, ids, ctx, out, common.json, width(cas), ended);
      }
      List<FleetOutcome> outcomes = cas.stream().map(ended::get).toList();
      if (common.json) {
        ArrayNode docs = Output.JSON.createArrayNode();
        outcomes.forEach(o -> docs.add(o.json()));
        Output.json(cl, docs);
      }
      return summary(out, err, common.json, outcomes);
    }
  }

  /** Follows every run on a thread of its own and reports each as it ends. */
  private void await(TemporalSession session, Map<String, String> ids, RunContext ctx, PrintWriter out,
      boolean json, int width, Map<String, FleetOutcome> ended) throws InterruptedException {
    if (ids.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(ids.size(), r -> {
      Thread t = new Thread(r, "fleet-await");
      t.setDaemon(true);
      return t;
    });
    try {
      CompletionService<FleetOutcome> done = new ExecutorCompletionService<>(pool);
      ids.forEach((ca, id) -> done.submit(() -> follow(session, ca, id, ctx)));
      for (int i = 0; i < ids.size(); i++) {
        FleetOutcome o = outcome(done.take());
        synchronized (ended) {
          ended.put(o.ca(), o);
        }
        if (!json) {
          print(out, o, width);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static FleetOutcome outcome(java.util.concurrent.Future<FleetOutcome> f) throws InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("follow() returns every failure as an outcome", e.getCause());
    }
  }

  /** One run, from its first workflow task to its result; never throws (a failure is an outcome). */
  private FleetOutcome follow(TemporalSession session, String ca, String id, RunContext ctx) {
    try {
      FirstTaskWatch.await(session, id, ctx, ctx.err());
      R result = session.client().newUntypedWorkflowStub(id).getResult(type);
      return judge.of(ca, id, result);
    } catch (WorkflowFailedException e) {
      return FleetOutcome.failed(ca, id, ExactCommands.complete(Failures.rootMessage(e), ctx));
    } catch (StartedRun.Failed e) {
      return FleetOutcome.failed(ca, id, e.getMessage());
    } catch (io.grpc.StatusRuntimeException e) {
      return FleetOutcome.failed(ca, id, GrpcErrors.message(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FleetOutcome.failed(ca, id, "interrupted");
    } catch (RuntimeException e) {
      return FleetOutcome.failed(ca, id, e.toString());
    }
  }

  /**
   * {@code ✓ main   … stored and verified}: the CA's name padded, so the outcomes line up; cut
   * to the terminal's width (80 columns off a terminal), a failure's end being on stderr.
   */
  private static void print(PrintWriter out, FleetOutcome o, int width) {
    out.println(Columns.cut(TerminalText.line("  " + (o.ok() ? "✓" : "✗") + " " + pad(o.ca(), width) + "  "
        + o.line()), columns()));
    out.flush();
  }

  /** The terminal's width, one column short (where terminals wrap); 80 off a terminal. */
  private static int columns() {
    return System.console() != null ? TerminalSize.ask().columns() - 1 : TerminalSize.FALLBACK.columns();
  }

  private int summary(PrintWriter out, PrintWriter err, boolean json, List<FleetOutcome> outcomes) {
    List<FleetOutcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
    int n = outcomes.size();
    if (failed.isEmpty()) {
      if (!json) {
        out.println(n == 1 ? "The " + kind + " succeeded." : "All " + n + " " + kind + "s succeeded.");
        out.flush();
      }
      return Main.OK;
    }
    // stderr, with or without --json: which CAs need a look, why in full, and where their runs are
    err.println(TerminalText.line("stepca-recovery: " + failed.size() + " of " + n + " " + kind
        + (n == 1 ? "" : "s") + " FAILED: " + String.join(", ", failed.stream().map(FleetOutcome::ca).toList())));
    for (FleetOutcome o : failed) {
      err.println(TerminalText.line("  " + o.ca() + (o.workflowId() == null ? "" : " (workflow " + o.workflowId() + ")")
          + ": " + o.error()));
    }
    err.flush();
    return Main.FAILED;
  }

  /** --no-wait: the ids, one per CA (text: "CA ID" lines a script can read; JSON: an array). */
  private static int started(CommandLine cl, boolean json, Map<String, String> ids, Map<String, FleetOutcome> failed) {
    PrintWriter out = cl.getOut();
    if (json) {
      ArrayNode docs = Output.JSON.createArrayNode();
      ids.forEach((ca, id) -> docs.addObject().put("ca", ca).put("ok", true).put("workflowId", id).put("started", true));
      failed.values().forEach(o -> docs.add(o.json()));
      Output.json(cl, docs);
    } else {
      ids.forEach((ca, id) -> out.println(TerminalText.line(ca + " " + id)));
      out.flush();
      failed.values().forEach(o -> cl.getErr().println(TerminalText.line("stepca-recovery: CA " + o.ca() + " not started: "
          + o.error())));
      cl.getErr().flush();
    }
    return failed.isEmpty() ? Main.OK : Main.FAILED;
  }

  /** Ctrl-C on a Temporal service: the runs go on; say how to follow each one still running. */
  private static void detach(PrintWriter err, TemporalSession session, Map<String, String> ids,
      Map<String, FleetOutcome> ended, RunContext ctx, int code) {
    err.println();
    err.println("Detached: the runs go on at " + session.address() + ". Follow them with:");
    synchronized (ended) {
      ids.forEach((ca, id) -> {
        if (!ended.containsKey(ca)) {
          err.println(TerminalText.line("  stepca-recovery watch " + id + ctx.options(true)));
        }
      });
    }
    err.flush();
    System.exit(code);
  }

  private static int width(List<String> cas) {
    return cas.stream().mapToInt(String::length).max().orElse(0);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** Every configured CA's name, in the config's order. */
  static List<String> all(StepcaRecoveryConfig config) {
    List<String> names = new ArrayList<>();
    config.cas().forEach(c -> names.add(c.name()));
    return names;
  }
}
