package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.progress.Step;
import io.stepcarecovery.progress.Step.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run that ended unfinished shows no step as running or pending. */
class EndedStepsTest {
  private static final List<Step> MID_RUN = List.of(
      new Step(1, "Verify backup", "", State.DONE, "ok"),
      new Step(2, "Stop Step-CA", "lab", State.RUNNING, "waiting for the service"),
      new Step(3, "Start Step-CA", "lab", State.PENDING, ""));

  @Test
  void cancelledRunShowsItsStepsCancelled() {
    List<Step> s = EndedSteps.of(MID_RUN, "CANCELED");
    assertEquals(State.DONE, s.get(0).state(), "what finished stays finished");
    assertEquals(State.SKIPPED, s.get(1).state());
    assertTrue(s.get(1).detail().startsWith("cancelled before it finished"), s.get(1).detail());
    assertEquals("not run: the run was cancelled", s.get(2).detail());
    String line = ProgressView.render(s, java.util.Map.of(), 0, null).get(1);
    assertTrue(line.contains("cancelled") && !line.contains("running"), line);
  }

  @Test
  void terminatedRunSaysSo() {
    assertEquals("not run: the run was terminated", EndedSteps.of(MID_RUN, "TERMINATED").get(2).detail());
  }

  @Test
  void aRunningOrCompletedRunIsShownAsItIs() {
    assertEquals(MID_RUN, EndedSteps.of(MID_RUN, "RUNNING"));
    assertEquals(MID_RUN, EndedSteps.of(MID_RUN, "COMPLETED"));
  }
}
