package io.stepcarecovery.recovery;

import static io.stepcarecovery.recovery.RecoveryStep.INGRESS;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.Failures;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ingress.AccountStatus;
import io.stepcarecovery.ingress.AcmeAccountCheck;
import io.stepcarecovery.ingress.AcmeAccountOutcome;
import io.stepcarecovery.ingress.AcmeAccountsCleared;
import io.stepcarecovery.ingress.IngressActivities;
import io.stepcarecovery.ingress.ServedCertificate;
import io.stepcarecovery.probe.Platform;
import io.stepcarecovery.progress.Progress;
import io.temporal.failure.ActivityFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery's restart-ingress step (workflow code: deterministic). For each ingress with an
 * ACME store: ask the restored CA, on the ingress host, about each account; clear those it does
 * not know (all with --clear-acme-account); restart; and where a cleared resolver had to obtain a
 * new certificate, wait (bounded) until the ingress serves one issued after the recovery started.
 * An ingress without an ACME store is restarted exactly as before (the same single activity, so
 * runs recorded before still replay).
 */
final class IngressStep {
  /** Traefik obtains a certificate seconds after it starts; a CA under load may take longer. */
  static final int NEW_CERTIFICATE_TIMEOUT_SECONDS = 120;

  private final Progress progress;
  private String failure;

  IngressStep(Progress progress) {
    this.progress = progress;
  }

  /** Why the step stopped (an ingress could not be checked or restarted), or null. */
  String failure() {
    return failure;
  }

  /** @return the per-account outcomes, in ingress and resolver order */
  List<AcmeAccountOutcome> run(Platform platform, String ca, boolean clearAll, long recoveryStartMillis) {
    List<AcmeAccountOutcome> outcomes = new ArrayList<>();
    if (platform.ingress().isEmpty()) {
      progress.skipped(INGRESS, "no ingress configured");
      return outcomes;
    }
    List<String> done = new ArrayList<>();
    for (Platform.Ingress in : platform.ingress()) {
      String target = in.name() + " on " + in.host();
      progress.running(INGRESS, target);
      try {
        if (!in.hasAcmeJson()) {
          done.add(stub(in, ActivityPlans.SERVICE, target).restartIngress(in.name(), false));
          continue;
        }
        List<AcmeAccountOutcome> mine = withAcmeStore(in, ca, clearAll, recoveryStartMillis, target);
        outcomes.addAll(mine);
        done.add(in.name() + " restarted" + (mine.isEmpty() ? " (no ACME account in its acme.json)" : ""));
      } catch (ActivityFailure e) {
        failure = in.name() + ": " + Failures.rootMessage(e);
        progress.failed(INGRESS, failure);
        return outcomes;
      }
    }
    for (AcmeAccountOutcome o : outcomes) {
      done.add(o.summary());
    }
    if (outcomes.stream().allMatch(AcmeAccountOutcome::fixedOrFine)) {
      progress.done(INGRESS, String.join("; ", done));
    } else {
      progress.failed(INGRESS, String.join("; ", done));
    }
    return outcomes;
  }

  private List<AcmeAccountOutcome> withAcmeStore(Platform.Ingress in, String ca, boolean clearAll,
      long since, String target) {
    // QUICK: bounded as a whole (each request to the CA times out after 5 s), no heartbeat needed.
    List<AcmeAccountCheck> checks = stub(in, ActivityPlans.QUICK, target + ": ACME accounts known to " + ca)
        .checkAcmeAccounts(in.name(), ca);
    List<String> unusable = checks.stream().filter(c -> c.status().unusable() && c.accountUrl() != null)
        .map(AcmeAccountCheck::accountUrl).toList();
    AcmeAccountsCleared cleared = clearAll || !unusable.isEmpty()
        ? stub(in, ActivityPlans.QUICK, target + ": clear " + (clearAll ? "every ACME account" : unusable.size()
            + " ACME account(s) the CA does not know")).clearAcmeAccounts(in.name(), unusable, clearAll)
        : null;
    // A retried clearing finds the account already gone (its first attempt removed it, then the
    // worker died before reporting): once the activity succeeded, a named account is not there.
    List<String> clearedResolvers = checks.stream().filter(c -> cleared != null
        && (cleared.resolvers().contains(c.resolver()) || c.accountUrl() != null && unusable.contains(c.accountUrl())))
        .map(AcmeAccountCheck::resolver).toList();
    stub(in, ActivityPlans.SERVICE, target).restartIngress(in.name(), false);

    List<String> previous = new ArrayList<>();
    boolean due = false;
    for (AcmeAccountCheck c : checks) {
      if (clearedResolvers.contains(c.resolver())) {
        previous.addAll(c.certificateSha256());
        due |= c.newCertificateDue();
      }
    }
    ServedCertificate served = due
        ? stub(in, ActivityPlans.probe(NEW_CERTIFICATE_TIMEOUT_SECONDS), target + ": a certificate issued since the recovery began")
            .awaitNewCertificate(in.name(), ca, since, previous, NEW_CERTIFICATE_TIMEOUT_SECONDS)
        : null;

    List<AcmeAccountOutcome> out = new ArrayList<>();
    for (AcmeAccountCheck c : checks) {
      boolean wasCleared = clearedResolvers.contains(c.resolver());
      ServedCertificate cert = wasCleared && c.newCertificateDue() ? served : null;
      out.add(new AcmeAccountOutcome(c.ingress(), c.resolver(), c.accountUrl(), c.email(), c.status(),
          wasCleared, wasCleared ? cleared.copy() : null, cert, summary(c, wasCleared, cleared, cert)));
    }
    return out;
  }

  private static String summary(AcmeAccountCheck c, boolean cleared, AcmeAccountsCleared how, ServedCertificate cert) {
    String who = c.ingress() + "/" + c.resolver() + (c.email() == null ? "" : " (" + c.email() + ")");
    String what = who + ": " + c.status() + " — " + c.detail();
    if (!cleared) {
      return what + (c.status().unusable() ? "; NOT cleared" : c.status() == AccountStatus.UNREACHABLE
          || c.status() == AccountStatus.UNREADABLE ? "; left alone: check it by hand" : "; left alone");
    }
    what += "; account cleared (" + (how.copy() == null ? "by an earlier attempt of this step"
        : "acme.json as it was: " + how.copy()) + "), the ingress registers a new one";
    if (cert == null) {
      return what + "; its certificates are valid for now and are renewed with the new account when due";
    }
    return what + "; " + cert.detail();
  }

  private IngressActivities stub(Platform.Ingress in, io.temporal.activity.ActivityOptions plan, String target) {
    return ActivityPlans.stub(IngressActivities.class, TaskQueues.forHost(in.host()), plan,
        progress.summary(INGRESS, target));
  }
}
