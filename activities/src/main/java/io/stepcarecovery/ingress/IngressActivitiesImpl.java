package io.stepcarecovery.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.ActivityErrors;
import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.IngressConfig;
import io.stepcarecovery.service.ServiceControls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Restarts an ingress (Traefik) so it takes fresh certificates from the recovered CA. */
public class IngressActivitiesImpl implements IngressActivities {
  private static final Logger log = LoggerFactory.getLogger(IngressActivitiesImpl.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StepcaRecoveryConfig config;

  public IngressActivitiesImpl(StepcaRecoveryConfig config) {
    this.config = config;
  }

  @Override
  public String restartIngress(String ingress, boolean clearAcmeAccount) {
    return ActivityErrors.run(() -> {
      IngressConfig in = config.ingress().stream().filter(i -> i.name().equals(ingress)).findFirst()
          .orElseThrow(() -> new ConfigException("unknown ingress '" + ingress + "' in " + config.source()));
      String cleared = "";
      if (clearAcmeAccount && in.acmeJson() != null) {
        cleared = clearAccounts(in.acmeJson()) + "; ";
      }
      ServiceControls.of(in.name(), in.service()).restart();
      log.info("ingress {} restarted", ingress);
      return cleared + in.name() + " restarted";
    });
  }

  /**
   * Removes the ACME account of every resolver in Traefik's acme.json, keeping a copy beside it.
   * Traefik registers a new account at its next start; the certificates are re-issued.
   */
  static String clearAccounts(Path acmeJson) throws IOException {
    if (!Files.isRegularFile(acmeJson)) {
      return "no " + acmeJson + " to clear";
    }
    Path copy = acmeJson.resolveSibling(acmeJson.getFileName() + ".pre-recovery-"
        + Instant.now().toString().replace(":", ""));
    Files.copy(acmeJson, copy, StandardCopyOption.COPY_ATTRIBUTES);
    JsonNode root = JSON.readTree(acmeJson.toFile());
    List<String> resolvers = new ArrayList<>();
    if (root instanceof ObjectNode obj) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue() instanceof ObjectNode resolver && resolver.has("Account")) {
          resolver.remove("Account");
          resolvers.add(e.getKey());
        }
      }
    }
    // Traefik refuses an acme.json readable by others; and it holds the account's private key.
    PrivateRewrite.replace(acmeJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    return "cleared the ACME account of " + (resolvers.isEmpty() ? "no resolver" : String.join(", ", resolvers))
        + " in " + acmeJson + " (copy: " + copy.getFileName() + ")";
  }
}
