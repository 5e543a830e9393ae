package io.stepcarecovery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules are valid and every one is unit-tested, with Debian's promtool (package
 * prometheus, installed by lab/install) as CI runs it.
 */
class AlertRulesTest {
  private static final Path DIR = Path.of("prometheus").toAbsolutePath();

  @Test
  void promtoolChecksTheRules() throws Exception {
    assertEquals("", promtool("check", "rules", "alerts.yml"));
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    assertEquals("", promtool("test", "rules", "alerts-test.yml"));
  }

  /** A rule without a test could be wrong unseen: each alert is expected to fire in some test. */
  @Test
  void everyRuleHasATestWhereItFires() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Set<String> rules = new LinkedHashSet<>();
    for (JsonNode g : yaml.readTree(DIR.resolve("alerts.yml").toFile()).path("groups")) {
      g.path("rules").forEach(r -> rules.add(r.path("alert").asText()));
    }
    Set<String> firing = new LinkedHashSet<>();
    for (JsonNode t : yaml.readTree(DIR.resolve("alerts-test.yml").toFile()).path("tests")) {
      for (JsonNode a : t.path("alert_rule_test")) {
        if (a.path("exp_alerts").size() > 0) {
          firing.add(a.path("alertname").asText());
        }
      }
    }
    assertTrue(rules.size() >= 8, "rules: " + rules);
    assertEquals(rules, firing, "rules vs rules with a test where they fire");
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/promtool"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timed out: " + cmd;
    }
    return p.exitValue() == 0 ? "" : "rc " + p.exitValue() + ": " + out;
  }
}
