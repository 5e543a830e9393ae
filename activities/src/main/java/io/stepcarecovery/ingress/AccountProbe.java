package io.stepcarecovery.ingress;

import io.stepcarecovery.probe.RootTrustingAcmeProvider;
import io.stepcarecovery.ingress.TraefikAcmeJson.Account;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Asks the CA whether it knows one account, signed with the account's own key (acme4j: RFC 8555
 * JWS). First a POST-as-GET to the account URL, as Traefik's every order does; if the CA answers
 * that with a bare HTTP error (step-ca before 0.26.2 answers an unknown account's URL with HTTP
 * 500 and no problem type: its middleware misses the "not found" of its own database), a
 * new-account request with {@code onlyReturnExisting}, which looks the key up and says
 * accountDoesNotExist plainly, and never registers anything.
 */
final class AccountProbe {
  private static final String ACME_ERROR = "urn:ietf:params:acme:error:";

  record Answer(AccountStatus status, String detail) {}

  private final URI directory;
  private final SSLContext trust;

  AccountProbe(URI directory, SSLContext trust) {
    this.directory = directory;
    this.trust = trust;
  }

  Answer ask(Account account) {
    if (account.uri() == null || account.uri().isBlank()) {
      return new Answer(AccountStatus.NO_ACCOUNT, "an account key but no registration: the ingress registers"
          + " it at its next need");
    }
    URL accountUrl;
    try {
      accountUrl = URI.create(account.uri()).toURL();
    } catch (IllegalArgumentException | java.net.MalformedURLException e) {
      return new Answer(AccountStatus.UNREADABLE, "account URL is not a URL");
    }
    if (!sameServer(accountUrl)) {
      return new Answer(AccountStatus.FOREIGN, "registered with " + accountUrl.getProtocol() + "://"
          + accountUrl.getAuthority() + ", not the recovered CA (" + directory.getAuthority() + "): not asked");
    }
    KeyPair key;
    try {
      key = AccountKeys.fromTraefik(account.privateKeyBase64());
    } catch (GeneralSecurityException e) {
      return new Answer(AccountStatus.UNREADABLE, "account key: " + e.getMessage());
    }
    Session session = new Session(directory, new RootTrustingAcmeProvider(trust));
    // At most five requests (directory, nonces, account, by key): the check stays well inside its minute.
    session.networkSettings().setTimeout(java.time.Duration.ofSeconds(5));
    try {
      org.shredzone.acme4j.Account a = session.login(accountUrl, key).getAccount();
      a.fetch();
      Status s = a.getStatus();
      return s == Status.VALID
          ? new Answer(AccountStatus.KNOWN, "the CA answered the account URL: status valid")
          : new Answer(AccountStatus.DEACTIVATED, "the CA knows the account but its status is "
              + s.name().toLowerCase());
    } catch (AcmeServerException e) {
      return stale(e).orElseGet(() -> new Answer(AccountStatus.UNREACHABLE, "account URL: " + problem(e)));
    } catch (AcmeNetworkException e) {
      return new Answer(AccountStatus.UNREACHABLE, "CA not reachable: " + e.getMessage());
    } catch (AcmeException e) {
      // A bare HTTP error, no problem document: ask again by key, which step-ca answers plainly.
      return byKey(session, key, e.getMessage());
    } catch (RuntimeException e) {
      return new Answer(AccountStatus.UNREACHABLE, "asking the CA failed: " + e);
    }
  }

  private Answer byKey(Session session, KeyPair key, String firstAnswer) {
    try {
      URL found = new AccountBuilder().onlyExisting().useKeyPair(key).createLogin(session).getAccountLocation();
      return new Answer(AccountStatus.UNREACHABLE, "the account URL answered \"" + firstAnswer
          + "\", yet the CA knows the key as " + found + ": not cleared; look at the CA's log");
    } catch (AcmeServerException e) {
      return stale(e).map(a -> new Answer(a.status(), "the account URL answered \"" + firstAnswer
          + "\" (step-ca's answer for an unknown account); by key: " + a.detail()))
          .orElseGet(() -> new Answer(AccountStatus.UNREACHABLE, "account URL: " + firstAnswer + "; by key: " + problem(e)));
    } catch (AcmeException | RuntimeException e) {
      return new Answer(AccountStatus.UNREACHABLE, "account URL: " + firstAnswer + "; by key: " + e.getMessage());
    }
  }

  private static java.util.Optional<Answer> stale(AcmeServerException e) {
    String type = String.valueOf(e.getType());
    if (type.equals(ACME_ERROR + "accountDoesNotExist") || type.equals(ACME_ERROR + "unauthorized")) {
      return java.util.Optional.of(new Answer(AccountStatus.STALE, "the CA does not know it ("
          + type.substring(ACME_ERROR.length()) + ": " + e.getProblem().getDetail().orElse("") + ")"));
    }
    return java.util.Optional.empty();
  }

  private static String problem(AcmeServerException e) {
    return e.getType() + " " + e.getProblem().getDetail().orElse("");
  }

  /**
   * The account URL is on the recovered CA: same scheme and port, and the same host or one that
   * resolves to the same addresses (step-ca writes the account URL with the host a client used).
   * Anything else is never sent a request signed with the account's key.
   */
  private boolean sameServer(URL account) {
    if (!"https".equals(account.getProtocol()) || port(account.getPort()) != port(directory.getPort())) {
      return false;
    }
    if (account.getHost().equalsIgnoreCase(directory.getHost())) {
      return true;
    }
    try {
      Set<InetAddress> ours = Set.copyOf(Arrays.asList(InetAddress.getAllByName(directory.getHost())));
      return Arrays.stream(InetAddress.getAllByName(account.getHost())).collect(Collectors.toSet())
          .stream().anyMatch(ours::contains);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static int port(int p) {
    return p < 0 ? 443 : p;
  }
}
