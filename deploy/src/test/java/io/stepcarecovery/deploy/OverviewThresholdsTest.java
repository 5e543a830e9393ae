package io.stepcarecovery.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stepcarecovery.config.AlertThresholds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code overview}'s default thresholds are the alert rules' own: a cron check and the page must not
 * disagree about whether a CA is in trouble. Read from the rules file, so editing one without the
 * other fails here.
 */
class OverviewThresholdsTest {
  private static final Path RULES = Path.of("prometheus", "alerts.yml").toAbsolutePath();
  /** The threshold in a rule's expression: "> 26 * 3600", "< 12 * 3600". */
  private static final Pattern PRODUCT = Pattern.compile("[<>] ([0-9]+) \\* ([0-9]+)");

  @Test
  void theDefaultsAreTheAlertRulesValues() throws Exception {
    Map<String, JsonNode> rules = new HashMap<>();
    for (JsonNode g : new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile()).path("groups")) {
      g.path("rules").forEach(r -> rules.put(r.path("alert").asText(), r));
    }
    AlertThresholds d = AlertThresholds.DEFAULTS;
    assertEquals(threshold(rules.get("StepcaBackupStale")), d.backupStale());
    assertEquals(threshold(rules.get("StepcaDrillStale")), d.drillStale());
    assertEquals(threshold(rules.get("StepcaIntermediateExpiring")), d.intermediateExpiring());
    assertEquals(threshold(rules.get("StepcaTlsCountdown")), d.tlsCountdown());
    // the copy rule compares two times; its threshold is how long the lag must last
    assertEquals(Duration.parse("PT" + rules.get("StepcaOffsiteCopyMissing").path("for").asText().toUpperCase()),
        d.copyMissing());
  }

  private static Duration threshold(JsonNode rule) {
    Matcher m = PRODUCT.matcher(rule.path("expr").asText());
    assertTrue(m.find(), "a threshold in " + rule);
    return Duration.ofSeconds(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2)));
  }
}
