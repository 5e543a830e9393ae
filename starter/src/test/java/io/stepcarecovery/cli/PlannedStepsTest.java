package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.progress.RunbookStep;
import io.stepcarecovery.restore.RestoreStep;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The steps a restore or recover shows before its config is read and Temporal is up: every step
 * of the workflow, pending, one row each; erased (once) before the headline, so that the live frame
 * below it is the only place a step is shown.
 */
class PlannedStepsTest {
  @Test
  void aTerminalSeesEveryStepPendingAtOnce_andCloseErasesThemOnce() {
    StringWriter screen = new StringWriter();
    PrintWriter out = new PrintWriter(screen);
    List<String> titles = new RestoreRun("restore", "RestoreWorkflow", "", "Restoring", 2).plannedSteps();
    assertEquals(RunbookStep.labels(RestoreStep.values()), titles);

    PlannedSteps early = PlannedSteps.draw(titles, out, true);
    String drawn = screen.toString();
    for (int i = 0; i < titles.size(); i++) {
      assertTrue(drawn.contains("· " + (i + 1) + ". " + titles.get(i)), "step " + (i + 1) + " in " + drawn);
    }
    assertEquals(titles.size(), drawn.split("\n", -1).length - 1, "one row per step: " + drawn);

    early.close();
    String erase = screen.toString().substring(drawn.length());
    assertEquals("\033[" + titles.size() + "A\r\033[J", erase, "up over the steps, cleared to the end");
    early.close();
    assertEquals(drawn + erase, screen.toString(), "a second close leaves the screen alone");
  }

  @Test
  void plainOutputGetsNothingEarly() {
    StringWriter screen = new StringWriter();
    try (PlannedSteps early = PlannedSteps.draw(RunbookStep.labels(RestoreStep.values()), new PrintWriter(screen), false)) {
      assertEquals("", screen.toString());
    }
    assertEquals("", screen.toString());
  }
}
