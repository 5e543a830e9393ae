package io.stepcarecovery.checklist;

import io.stepcarecovery.probe.RootTrustingAcmeProvider;
import static io.stepcarecovery.checklist.ChecklistItem.SERVICE_STATUS;

import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.checklist.Diagnoses.Diagnosis;
import io.stepcarecovery.config.ListenAddress;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeChallengeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.AcmeConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;

/**
 * The ACME item past the directory and nonce, as a real client does it (RFC 8555): a throwaway
 * account, an order for the configured identifier, the challenge answered by this check's own
 * responder, finalize with a CSR, the certificate downloaded and verified against the configured
 * root. How far it got is named in every outcome.
 *
 * <p>Both keys (account, certificate) are generated here, live in memory for this one call and
 * are never written, logged or returned: the item carries names, URLs and the certificate's
 * serial, subject and issuer only. The account is deactivated at the end (best effort), so the
 * CA does not keep a usable throwaway account per check.
 *
 * <p>Every wait is bounded by {@link #BUDGET} from the start of the item (the activity's own
 * timeout is 45 s); every request by the CA-side timeout.
 */
final class AcmeFlow {
  /** The whole ACME item, directory to certificate: on the lab it takes well under a second. */
  static final Duration BUDGET = Duration.ofSeconds(30);
  private static final Duration POLL_MIN = Duration.ofMillis(100);
  private static final Duration POLL_MAX = Duration.ofSeconds(1);
  /** A challenge still pending with the CA's error after this many looks has failed. */
  private static final int CHALLENGE_ERRORS = 3;

  /** The item, and the chain it obtained (null unless it got that far): for tests to verify on their own. */
  record Outcome(ChecklistItem item, List<X509Certificate> chain) {}

  /**
   * Where the throwaway keys come from: a fresh P-256 key pair each time, in memory only (the JDK's
   * provider: acme4j's KeyPairUtils would need Bouncy Castle registered JVM-wide).
   */
  static final Supplier<KeyPair> FRESH_KEYS = () -> {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
    }
  };

  private final CaConfig ca;
  private final List<X509Certificate> roots;
  private final Supplier<KeyPair> keys;
  private final Instant start;
  private final Instant deadline;
  /** What passed so far, in order: the item's detail starts with it. */
  private final List<String> reached = new ArrayList<>();

  private AcmeFlow(CaConfig ca, List<X509Certificate> roots, Supplier<KeyPair> keys, Instant start,
      List<String> reachedSoFar) {
    this.ca = ca;
    this.roots = roots;
    this.keys = keys;
    this.start = start;
    this.deadline = start.plus(BUDGET);
    this.reached.addAll(reachedSoFar);
  }

  /** Continues the item after the directory and nonce passed ({@code reachedSoFar}). */
  static Outcome run(CaConfig ca, String directoryUrl, List<X509Certificate> roots, Supplier<KeyPair> keys,
      Instant start, List<String> reachedSoFar) {
    return new AcmeFlow(ca, roots, keys, start, reachedSoFar).run(directoryUrl);
  }

  private Outcome run(String directoryUrl) {
    AcmeConfig acme = ca.acme();
    Session session = new Session(URI.create(directoryUrl),
        new RootTrustingAcmeProvider(HttpsClients.context(HttpsClients.trustManager(roots))));
    session.networkSettings().setTimeout(CaSide.TIMEOUT);
    Account account = null;
    try {
      KeyPair accountKey = keys.get();
      due("new-account");
      try {
        account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey).create(session);
      } catch (AcmeException e) {
        return failed("new-account", e, Diagnoses.acmeAccountFailed(AcmeProblems.of(e)));
      }
      reached.add("account");
      if (acme.identifier() == null) {
        return partial("the order, challenge, finalize and certificate: acme.identifier is not configured for CA "
            + ca.name());
      }
      String identifier = acme.identifier();
      Order order;
      due("new-order for " + identifier);
      try {
        order = account.newOrder().domain(identifier).create();
      } catch (AcmeException e) {
        return failed("new-order for " + identifier, e, Diagnoses.acmeOrderFailed(identifier, AcmeProblems.of(e)));
      }
      reached.add("order for " + identifier);
      AcmeChallengeConfig ch = acme.challenge();
      if (ch == null) {
        return partial("the challenge, finalize and certificate: acme.challenge is not configured for CA "
            + ca.name());
      }
      Outcome answered = answerChallenges(order, identifier, ch);
      if (answered != null) {
        return answered;
      }
      return finalizeAndDownload(order, identifier);
    } catch (Timeout t) {
      Diagnosis d = Diagnoses.acmeTimedOut(t.stage, BUDGET.toSeconds(), t.status);
      return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + t.stage + " still "
          + t.status + " after " + BUDGET.toSeconds() + " s", d.diagnosis(), d.action()), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the ACME check", e);
    } catch (AcmeLazyLoadingException | org.shredzone.acme4j.exception.AcmeProtocolException e) {
      // acme4j's unchecked errors: an answer it could not read, or a lazily loaded resource's failure
      Diagnosis d = Diagnoses.acmeDirectoryInvalid();
      return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + "the CA's answer could not"
          + " be used: " + CheckText.short200(String.valueOf(e.getMessage())), d.diagnosis(), d.action()), null);
    } finally {
      deactivate(account);
    }
  }

  /** Each authorization of the order: the configured challenge, answered by a responder open only meanwhile. */
  private Outcome answerChallenges(Order order, String identifier, AcmeChallengeConfig ch)
      throws Timeout, InterruptedException {
    ListenAddress listen = ListenAddress.parse(ch.listen());
    List<Authorization> auths;
    try {
      auths = order.getAuthorizations();
    } catch (AcmeLazyLoadingException e) {
      return failed("authorization for " + identifier, e.getCause() instanceof AcmeException a ? a
          : new AcmeException(e.getMessage()), Diagnoses.acmeOrderFailed(identifier, e.getMessage()));
    }
    for (Authorization auth : auths) {
      try {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        Optional<Challenge> found = auth.findChallenge(ch.type());
        if (found.isEmpty()) {
          String offered = auth.getChallenges().stream().map(Challenge::getType).collect(Collectors.joining(", "));
          Diagnosis d = Diagnoses.acmeChallengeNotOffered(ch.type(), identifier, offered);
          return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + "the CA offers "
              + (offered.isEmpty() ? "no challenge" : offered) + " for " + identifier, d.diagnosis(), d.action()),
              null);
        }
        Challenge challenge = found.get();
        due(ch.type() + " for " + identifier);
        ChallengeResponder responder;
        try {
          responder = responder(challenge, listen, auth.getIdentifier());
        } catch (IOException e) {
          Diagnosis d = Diagnoses.acmeResponderUnavailable(listen.toString(), CheckText.describe(e));
          return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + ch.type()
              + " responder on " + listen + " failed: " + CheckText.describe(e), d.diagnosis(), d.action()), null);
        }
        try (responder) {
          Problem failure = validate(challenge);
          if (failure != null) {
            Diagnosis d = Diagnoses.acmeChallengeFailed(ch.type(), identifier, listen.toString(),
                AcmeProblems.of(failure));
            return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + ch.type()
                + " for " + identifier + " on " + listen + ": " + challenge.getStatus().name().toLowerCase()
                + ", " + AcmeProblems.of(failure) + "; the responder answered " + responder.answered()
                + " request(s)", d.diagnosis(), d.action()), null);
          }
          await(auth, Set.of(Status.VALID, Status.INVALID), "authorization for " + identifier);
          if (auth.getStatus() != Status.VALID) {
            Diagnosis d = Diagnoses.acmeChallengeFailed(ch.type(), identifier, listen.toString(),
                "authorization " + auth.getStatus().name().toLowerCase());
            return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + "authorization for "
                + identifier + " is " + auth.getStatus().name().toLowerCase(), d.diagnosis(), d.action()), null);
          }
        }
      } catch (AcmeException e) {
        return failed(ch.type() + " for " + identifier, e,
            Diagnoses.acmeChallengeFailed(ch.type(), identifier, listen.toString(), AcmeProblems.of(e)));
      } catch (AcmeLazyLoadingException e) {
        AcmeException cause = e.getCause() instanceof AcmeException a ? a : new AcmeException(e.getMessage());
        return failed(ch.type() + " for " + identifier, cause,
            Diagnoses.acmeChallengeFailed(ch.type(), identifier, listen.toString(), AcmeProblems.of(cause)));
      }
    }
    reached.add(ch.type() + " answered on " + listen);
    return null;
  }

  private static ChallengeResponder responder(Challenge challenge, ListenAddress listen, Identifier id)
      throws IOException {
    if (challenge instanceof Http01Challenge http) {
      return Http01Responder.start(listen, http.getToken(), http.getAuthorization());
    }
    if (challenge instanceof TlsAlpn01Challenge tls) {
      return TlsAlpn01Responder.start(listen, tls, id);
    }
    throw new IOException("no responder for challenge type " + challenge.getType());
  }

  /**
   * Tells the CA to validate, then looks until it decided. step-ca keeps a challenge it could not
   * validate "pending" with the error (a client may retry), and validates again on each look; a
   * few looks with an error are the answer. Returns the CA's problem, or null when valid.
   */
  private Problem validate(Challenge challenge) throws AcmeException, Timeout, InterruptedException {
    challenge.trigger();
    int errors = 0;
    while (true) {
      Status s = challenge.getStatus();
      if (s == Status.VALID) {
        return null;
      }
      Optional<Problem> error = challenge.getError();
      if (s == Status.INVALID || (error.isPresent() && ++errors >= CHALLENGE_ERRORS)) {
        return error.orElseGet(() -> new Problem(org.shredzone.acme4j.toolbox.JSON.parse(
            "{\"type\":\"about:blank\",\"detail\":\"challenge invalid, no error given\"}"), null));
      }
      pause(Optional.empty(), "challenge " + challenge.getType(), s);
      challenge.fetch();
    }
  }

  private Outcome finalizeAndDownload(Order order, String identifier) throws Timeout, InterruptedException {
    KeyPair certKey = keys.get();
    due("finalize");
    try {
      await(order, Set.of(Status.READY, Status.VALID, Status.INVALID), "order for " + identifier);
      if (order.getStatus() == Status.INVALID) {
        return orderInvalid(order, "order for " + identifier);
      }
      if (order.getStatus() == Status.READY) {
        // CN = the identifier, as common clients (lego, certbot) ask: the item names a real subject.
        order.execute(certKey, csr -> csr.setCommonName(identifier));
      }
      await(order, Set.of(Status.VALID, Status.INVALID), "finalize of the order for " + identifier);
      if (order.getStatus() == Status.INVALID) {
        return orderInvalid(order, "finalize");
      }
    } catch (AcmeException e) {
      return failed("finalize", e, Diagnoses.acmeFinalizeFailed(AcmeProblems.of(e)));
    }
    reached.add("finalize");
    List<X509Certificate> chain;
    try {
      Certificate cert = order.getCertificate();
      cert.download();
      chain = cert.getCertificateChain();
    } catch (AcmeException e) {
      return failed("certificate download", e, Diagnoses.acmeFinalizeFailed(AcmeProblems.of(e)));
    } catch (AcmeLazyLoadingException e) {
      AcmeException cause = e.getCause() instanceof AcmeException a ? a : new AcmeException(e.getMessage());
      return failed("certificate download", cause, Diagnoses.acmeFinalizeFailed(AcmeProblems.of(cause)));
    }
    X509Certificate leaf = chain.get(0);
    String trustedFp = Fingerprints.of(roots.get(0));
    String names = "certificate serial " + leaf.getSerialNumber() + ", subject '"
        + leaf.getSubjectX500Principal().getName() + "', issuer '" + leaf.getIssuerX500Principal().getName() + "'";
    String pkix = TlsProbe.pkixProblem(chain, roots, List.of(), Instant.now());
    if (pkix != null) {
      Diagnosis d = Diagnoses.issuedCertificateInvalid(trustedFp);
      return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + names
          + " does not chain to root " + trustedFp + ": " + pkix, d.diagnosis(), d.action()), chain);
    }
    if (!TlsProbe.hostMatches(identifier, leaf)) {
      Diagnosis d = Diagnoses.issuedWrongSubject(identifier, TlsProbe.names(leaf));
      return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + names + " is not valid for "
          + identifier, d.diagnosis(), d.action()), chain);
    }
    return new Outcome(ChecklistItem.passed(SERVICE_STATUS, AcmeCheck.ACME, String.join(", ", reached) + ": "
        + names + ", for " + TlsProbe.names(leaf) + ", chains to root " + trustedFp + " (" + elapsedMs() + " ms)"),
        chain);
  }

  private Outcome orderInvalid(Order order, String stage) {
    String why = order.getError().map(AcmeProblems::of).orElse("order invalid, no error given");
    Diagnosis d = Diagnoses.acmeFinalizeFailed(why);
    return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + stage + ": invalid, " + why,
        d.diagnosis(), d.action()), null);
  }

  /** A stage is not started once the item's budget is spent (each request has its own timeout too). */
  private void due(String stage) throws Timeout {
    if (!Instant.now().isBefore(deadline)) {
      throw new Timeout(stage, "not started");
    }
  }

  /** Looks at {@code r} until its status is one of {@code until}, within the item's budget. */
  private void await(PollableResource r, Set<Status> until, String stage)
      throws AcmeException, Timeout, InterruptedException {
    Optional<Instant> retryAfter = r.fetch();
    while (!until.contains(r.getStatus())) {
      pause(retryAfter, stage, r.getStatus());
      retryAfter = r.fetch();
    }
  }

  /**
   * Sleeps as the CA asks (Retry-After), at least {@link #POLL_MIN}, at most {@link #POLL_MAX},
   * never past the deadline.
   */
  private void pause(Optional<Instant> retryAfter, String stage, Status status)
      throws Timeout, InterruptedException {
    Instant now = Instant.now();
    if (!now.isBefore(deadline)) {
      throw new Timeout(stage, status.name().toLowerCase());
    }
    Duration wait = retryAfter.map(t -> Duration.between(now, t)).orElse(POLL_MIN);
    wait = wait.compareTo(POLL_MIN) < 0 ? POLL_MIN : wait.compareTo(POLL_MAX) > 0 ? POLL_MAX : wait;
    Duration left = Duration.between(now, deadline);
    Thread.sleep((wait.compareTo(left) > 0 ? left : wait).toMillis());
  }

  private Outcome failed(String stage, AcmeException e, Diagnosis d) {
    if (e instanceof AcmeNetworkException && e.getCause() instanceof IOException io) {
      return new Outcome(CaSide.connectionFailure(SERVICE_STATUS, AcmeCheck.ACME, ca, roots, sofar() + stage, io),
          null);
    }
    return new Outcome(ChecklistItem.failed(SERVICE_STATUS, AcmeCheck.ACME, sofar() + stage + " failed: "
        + AcmeProblems.of(e),
        d.diagnosis(), d.action()), null);
  }

  private Outcome partial(String untested) {
    String done = String.join(", ", reached);
    return new Outcome(ChecklistItem.partial(SERVICE_STATUS, AcmeCheck.ACME, "partly tested — " + done
            + " passed; no certificate was obtained (" + elapsedMs() + " ms)", untested,
        "Set acme.identifier and acme.challenge (type http-01 or tls-alpn-01; listen: the host:port the CA"
            + " reaches for the identifier) in " + "the config for CA " + ca.name()
            + ", so the check obtains a real certificate"), null);
  }

  private String sofar() {
    return reached.isEmpty() ? "" : String.join(", ", reached) + " passed; ";
  }

  private long elapsedMs() {
    return Duration.between(start, Instant.now()).toMillis();
  }

  /** The throwaway account is of no use after the check: the CA should not keep it usable. */
  private static void deactivate(Account account) {
    if (account == null) {
      return;
    }
    try {
      account.deactivate();
    } catch (AcmeException | RuntimeException ignored) {
      // best effort: an account the check could not deactivate is harmless (its key is gone)
    }
  }

  /** A wait ran past the budget. */
  private static final class Timeout extends Exception {
    final String stage;
    final String status;

    Timeout(String stage, String status) {
      super(stage + " still " + status, null, false, false);
      this.stage = stage;
      this.status = status;
    }
  }
}
