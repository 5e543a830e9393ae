package io.stepcarecovery.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.ca.Fingerprints;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IngressConfig;
import io.stepcarecovery.ingress.TraefikAcmeJson.Resolver;
import io.stepcarecovery.ingress.TraefikAcmeJson.StoredCertificate;
import io.stepcarecovery.probe.HttpsClients;
import io.stepcarecovery.service.ServiceControls;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress (Traefik) side of a recovery: which of its ACME accounts the restored CA still
 * knows, clearing those it does not, restarting it, and seeing it serve a new certificate.
 */
public class IngressActivitiesImpl implements IngressActivities {
  private static final Logger log = LoggerFactory.getLogger(IngressActivitiesImpl.class);
  private final StepcaRecoveryConfig config;

  public IngressActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  private IngressConfig ingress(String name) {
    return config.ingress().stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new ConfigException("unknown ingress '" + name + "' in " + config.source()));
  }

  @Override
  public String restartIngress(String ingress, boolean clearAcmeAccount) {
    return ActivityErrors.run(() -> {
      IngressConfig in = ingress(ingress);
      String cleared = "";
      if (clearAcmeAccount && in.acmeJson() != null) {
        cleared = clearAccounts(in.acmeJson()) + "; ";
      }
      ServiceControls.of(in.name(), in.service()).restart();
      log.info("ingress {} restarted", ingress);
      return cleared + in.name() + " restarted";
    });
  }

  @Override
  public List<AcmeAccountCheck> checkAcmeAccounts(String ingress, String ca) {
    return ActivityErrors.run(() -> {
      IngressConfig in = ingress(ingress);
      if (in.acmeJson() == null) {
        return List.of();
      }
      CaConfig c = config.ca(ca);
      if (c.acme() == null || c.acme().provisioner() == null) {
        throw new ConfigException("CA '" + ca + "' in " + config.source() + " has no acme.provisioner:"
            + " the ACME accounts of ingress " + ingress + " cannot be checked against it");
      }
      URI directory = URI.create(c.url().replaceAll("/+$", "") + "/acme/" + c.acme().provisioner() + "/directory");
      SSLContext trust = HttpsClients.context(HttpsClients.trustManager(Fingerprints.certificates(c.rootCert())));
      AccountProbe probe = new AccountProbe(directory, trust);
      Instant now = Instant.now();
      List<AcmeAccountCheck> out = new ArrayList<>();
      for (Resolver r : TraefikAcmeJson.read(in.acmeJson())) {
        heartbeat(r.name());
        AccountProbe.Answer a = r.account() == null
            ? new AccountProbe.Answer(AccountStatus.NO_ACCOUNT, "no account: the ingress registers one at its next need")
            : probe.ask(r.account());
        List<String> shas = new ArrayList<>();
        boolean due = r.certificates().isEmpty();
        for (StoredCertificate sc : r.certificates()) {
          try {
            X509Certificate leaf = CertificateFacts.leaf(sc.certificatePem());
            shas.add(CertificateFacts.sha256(leaf));
            due |= CertificateFacts.due(leaf, now);
          } catch (GeneralSecurityException e) {
            due = true; // Traefik renews a certificate it cannot read
          }
        }
        log.info("ingress {} resolver {}: {} ({})", ingress, r.name(), a.status(), a.detail());
        out.add(new AcmeAccountCheck(ingress, r.name(), r.account() == null ? null : r.account().uri(),
            r.account() == null ? null : r.account().email(), a.status(), a.detail(), due, List.copyOf(shas)));
      }
      return out;
    });
  }

  @Override
  public AcmeAccountsCleared clearAcmeAccounts(String ingress, List<String> accountUrls, boolean all) {
    return ActivityErrors.run(() -> {
      IngressConfig in = ingress(ingress);
      if (in.acmeJson() == null) {
        return new AcmeAccountsCleared(null, null, List.of());
      }
      return clear(in.acmeJson(), account -> all || accountUrls.contains(uri(account)));
    });
  }

  @Override
  public ServedCertificate awaitNewCertificate(String ingress, String ca, long sinceMillis,
      List<String> previousSha256, int timeoutSeconds) {
    return ActivityErrors.run(() -> {
      IngressConfig in = ingress(ingress);
      if (in.url() == null) {
        return new ServedCertificate(null, false, null, null, null, null, "not confirmed: ingress "
            + ingress + " has no url in " + config.source() + " to probe");
      }
      return ServedCertificateProbe.await(in.url(), Fingerprints.certificates(config.ca(ca).rootCert()),
          Instant.ofEpochMilli(sinceMillis), previousSha256, Duration.ofSeconds(timeoutSeconds),
          () -> heartbeat(in.url()));
    });
  }

  /** Tells Temporal the worker is alive; a no-op when called outside an activity (tests). */
  private static void heartbeat(String what) {
    try {
      Activity.getExecutionContext().heartbeat(what);
    } catch (IllegalStateException notInAnActivity) {
      // called directly
    }
  }

  private static String uri(JsonNode account) {
    JsonNode reg = account.get("Registration");
    return reg == null || reg.get("uri") == null ? null : reg.get("uri").asText();
  }

  /** Every resolver's account: {@code recover --clear-acme-account} before accounts were checked. */
  static String clearAccounts(Path acmeJson) throws IOException {
    AcmeAccountsCleared c = clear(acmeJson, account -> true);
    if (c.copy() == null && !Files.exists(acmeJson, LinkOption.NOFOLLOW_LINKS)) {
      return "no " + acmeJson + " to clear";
    }
    return "cleared the ACME account of " + (c.resolvers().isEmpty() ? "no resolver" : String.join(", ", c.resolvers()))
        + " in " + acmeJson + (c.copy() == null ? "" : " (copy: " + Path.of(c.copy()).getFileName() + ")");
  }

  /**
   * Removes the accounts {@code which} picks, keeping a copy of the file as it was beside it (the
   * keys in it are not lost). The file is read and checked whole first ({@link TraefikAcmeJson}):
   * a malformed or unsafe file changes nothing. Certificates stay: Traefik serves them until each
   * is due, then renews it with the account it registers anew (pkg/provider/acme/provider.go,
   * renewCertificates); removing them would only make it serve its default certificate meanwhile.
   */
  static AcmeAccountsCleared clear(Path acmeJson, Predicate<JsonNode> which) throws IOException {
    ObjectNode root = TraefikAcmeJson.readTree(acmeJson);
    if (root == null) {
      return new AcmeAccountsCleared(acmeJson.toString(), null, List.of());
    }
    List<Resolver> resolvers = TraefikAcmeJson.resolvers(acmeJson, root);
    List<String> cleared = new ArrayList<>();
    for (Resolver r : resolvers) {
      JsonNode node = root.get(r.name());
      if (r.account() != null && node instanceof ObjectNode obj && which.test(obj.get("Account"))) {
        obj.remove("Account");
        cleared.add(r.name());
      }
    }
    if (cleared.isEmpty()) {
      return new AcmeAccountsCleared(acmeJson.toString(), null, List.of());
    }
    Path copy = acmeJson.resolveSibling(acmeJson.getFileName() + ".pre-recovery-"
        + Instant.now().toString().replace(":", ""));
    Files.copy(acmeJson, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    // Traefik refuses an acme.json readable by others; and it holds the account's private key.
    PrivateRewrite.replace(acmeJson, TraefikAcmeJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    log.info("cleared the ACME account of {} in {} (copy {})", cleared, acmeJson, copy);
    return new AcmeAccountsCleared(acmeJson.toString(), copy.toString(), List.copyOf(cleared));
  }
}
