package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker backend of a drill on the lab in docker mode (Podman's Engine API): the sandbox is a
 * container of the production image, removed at the end; the production container keeps running
 * untouched.
 */
@Tag("lab")
@Tag("container")
class DrillDockerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LabCa lab;

  @BeforeAll
  static void up() {
    lab = LabCa.up(tmp.resolve("lab"), true);
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  @Test
  void aDrillInAContainerOfTheProductionImagePassesAndLeavesNoContainer() throws Exception {
    Cli.Run b = Cli.run("backup", "--config", lab.configFile().toString(), "--reason", "docker drill", "--json");
    assertEquals(0, b.exitCode(), b.stdout() + b.stderr());
    String before = lab.ctl("status").strip();
    String hashBefore = DrillCliIT.treeHash(lab.stepPath());

    Cli.Run r = Cli.run("drill", "--config", lab.configFile().toString(), "--json");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    JsonNode doc = JSON.readTree(r.stdout());
    assertTrue(doc.get("ok").asBoolean(), r.stdout());
    assertEquals("docker", doc.get("backend").asText());
    String container = "stepca-" + doc.get("drillId").asText();
    assertTrue(doc.get("checklist").get(0).get("detail").asText().contains(container)
        || r.stdout().contains(container), r.stdout());

    String all = LabCa.run(List.of("podman", "--url", lab.env("DOCKER_HOST"), "ps", "-a", "--format",
        "{{.Names}}"), 60);
    assertFalse(all.contains(container), all);
    assertEquals(before, lab.ctl("status").strip());
    assertEquals(hashBefore, DrillCliIT.treeHash(lab.stepPath()));
    try (var s = Files.list(lab.dir().resolve("drills"))) {
      assertEquals(List.of(), s.toList());
    }
  }
}
