package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.lock.CaLock;
import io.stepcarecovery.lock.CaLock.State;
import io.stepcarecovery.lock.LockRecord;
import io.stepcarecovery.service.ServiceControl;
import io.stepcarecovery.service.ServiceControls;
import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The operator's way out when the tool cannot decide by itself whether a CA's run lock is
 * stale. Runs on the CA host (the lock lives there): shows the holder, whether its process still
 * runs, and the CA's state; removes the lock only when told to, and a live holder's only when
 * forced.
 */
@Command(name = "unlock", mixinStandardHelpOptions = true,
    description = {
        "Show who holds a CA's run lock (on this CA host: lockDir in the config, default"
            + " /run/stepca-recovery), whether that process still runs, and the CA's state; then"
            + " remove the lock. A run takes over a lock whose holder is gone by itself: this is for"
            + " the case it cannot decide (a lock written on another host, a holder that hangs).",
        "Safe only when no run of the CA is going on: check with 'status ID' (Temporal) or the"
            + " holder's process (embedded).",
        "Exit 0 when the CA is unlocked (or was not locked), 1 when refused, 2 usage or config error."})
final class UnlockCommand implements Callable<Integer> {
  @Mixin StoreOptions common; // acts on this host's lock file: no --temporal

  @Option(names = "--yes", description = "Remove the lock without asking at the terminal.")
  boolean yes;

  @Option(names = "--force", description = "Remove it even though its holder's process still runs"
      + " (or runs on another host): only when you know that run is no longer working on the CA.")
  boolean force;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    StepcaRecoveryConfig config = common.load();
    CaConfig c = common.ca.of(config);
    CaLock lock = new CaLock(config.lockDirOrDefault(), c.name());
    State state = lock.state();
    String caState = caState(c);
    LockRecord holder = state instanceof State.Held h ? h.holder() : state instanceof State.Stale s ? s.holder()
        : state instanceof State.Foreign f ? f.holder() : null;
    String verdict = verdict(state);
    PrintWriter out = spec.commandLine().getOut();
    if (!common.json) {
      out.println("CA " + c.name() + " · run lock " + lock.file());
      out.println("  holder   " + (holder == null ? "-" : holder.describe()));
      out.println("  process  " + verdict);
      out.println("  CA       " + caState);
      out.flush();
    }
    boolean live = state instanceof State.Held || state instanceof State.Foreign;
    if (state instanceof State.Free) {
      return done(c, lock, holder, verdict, caState, false, "CA " + c.name() + " is not locked; nothing to do");
    }
    if (live && !force) {
      String how = holder.howToCheck();
      Output.error(spec.commandLine(), false, "refused: " + verdict + ". Remove the lock only when no run"
          + " of CA " + c.name() + " is going on: check with " + how + ". If that run is no longer"
          + " working on the CA: stepca-recovery unlock --ca " + c.name() + " --force", Main.FAILED);
      if (common.json) {
        json(c, lock, holder, verdict, caState, false, Main.FAILED);
      }
      return Main.FAILED;
    }
    if (!yes) {
      Console console = System.console();
      if (console == null) {
        throw new ConfigException("pass --yes to remove " + lock.file() + " without a terminal to confirm at");
      }
      String answer = console.readLine("Type 'yes' to remove %s: ", lock.file());
      if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
        Output.error(spec.commandLine(), common.json, "not removed (not confirmed)", Main.FAILED);
        return Main.FAILED;
      }
    }
    State removed = lock.remove();
    if (!removed.getClass().equals(state.getClass())) {
      // It changed between the look and the removal (a run finished or took it): say so.
      out.println("note: the lock changed meanwhile; removed " + verdict(removed));
    }
    return done(c, lock, holder, verdict, caState, true, "removed " + lock.file() + "; CA " + c.name()
        + " is unlocked. " + (caState.startsWith("running") ? "" : "The CA is NOT running: start its service,"
            + " or if its data is damaged: stepca-recovery recover --ca " + c.name()));
  }

  private Integer done(CaConfig c, CaLock lock, LockRecord holder, String verdict,
      String caState, boolean removed, String message) {
    if (common.json) {
      json(c, lock, holder, verdict, caState, removed, Main.OK);
    } else {
      PrintWriter out = spec.commandLine().getOut();
      out.println(message);
      out.flush();
    }
    return Main.OK;
  }

  private void json(CaConfig c, CaLock lock, LockRecord holder, String verdict, String caState,
      boolean removed, int code) {
    ObjectNode doc = Output.JSON.createObjectNode();
    doc.put("ok", code == Main.OK);
    doc.put("ca", c.name());
    doc.put("lockFile", lock.file().toString());
    doc.set("holder", holder == null ? null : Output.JSON.valueToTree(holder));
    doc.put("holderState", verdict);
    doc.put("caState", caState);
    doc.put("removed", removed);
    Output.json(spec.commandLine(), doc);
  }

  private static String verdict(State state) {
    if (state instanceof State.Free) {
      return "no lock";
    }
    if (state instanceof State.Stale s) {
      return "gone: " + s.found();
    }
    if (state instanceof State.Held h) {
      return "ALIVE: process " + h.holder().pid() + " still runs"
          + (h.holder().embedded() ? " (an embedded run inside it)" : "");
    }
    State.Foreign f = (State.Foreign) state;
    return "unknown: written on host " + f.holder().host() + ", which this host cannot check";
  }

  private static String caState(CaConfig c) {
    try {
      ServiceControl s = ServiceControls.of(c.name(), c.service());
      return (s.isRunning() ? "running" : "NOT running") + ": " + s.describeState();
    } catch (RuntimeException e) {
      return "unknown: " + e.getMessage();
    }
  }
}
