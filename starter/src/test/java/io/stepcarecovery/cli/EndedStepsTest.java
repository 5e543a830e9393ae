package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.progress.Step;
import io.stepcarecovery.progress.Step.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run that ended unfinished shows no step as running or pending; a cancelled one's read cancelled. */
class EndedStepsTest {
  private static final List<Step> MID_RUN = List.of(
      new Step(1, "Verify backup", "", State.DONE, "ok"),
      new Step(2, "Stop Step-CA", "lab", State.RUNNING, "waiting for the service"),
      new Step(3, "Start Step-CA", "lab", State.PENDING, ""));

  @Test
  void cancelledRunShowsItsStepsCancelled() {
    List<Step> s = EndedSteps.of(MID_RUN, "CANCELED");
    assertEquals(State.DONE, s.get(0).state(), "what finished stays finished");
    assertEquals(State.CANCELLED, s.get(1).state());
    assertEquals(State.CANCELLED, s.get(2).state());
    List<String> lines = ProgressView.render(s, java.util.Map.of(), 0, null);
    assertEquals("  ⊘ 2. Stop Step-CA · lab  cancelled — before it finished (waiting for the service)", lines.get(1));
    assertEquals("  ⊘ 3. Start Step-CA · lab  cancelled — not run", lines.get(2));
    String fitted = ProgressView.render(s, java.util.Map.of(), 0, null, 46).get(2);
    assertTrue(fitted.startsWith("  ⊘ 3. Start Step-CA  cancelled — not run") && Columns.width(fitted) <= 46,
        "cut to fit, the state before the target: " + fitted);
  }

  @Test
  void aCancelledRunsStepsAreCancelledInItsJson() throws Exception {
    String json = Output.JSON.writeValueAsString(EndedSteps.of(MID_RUN, "CANCELED"));
    assertEquals(2, json.split("\"state\" : \"CANCELLED\"", -1).length - 1, json);
    assertTrue(json.contains("\"state\" : \"DONE\""), json);
  }

  @Test
  void terminatedRunSaysSo() {
    List<Step> s = EndedSteps.of(MID_RUN, "TERMINATED");
    assertEquals(State.SKIPPED, s.get(2).state());
    assertEquals("not run: the run was terminated", s.get(2).detail());
    assertEquals("terminated before it finished (waiting for the service)", s.get(1).detail());
  }

  @Test
  void aRunningOrCompletedRunIsShownAsItIs() {
    assertEquals(MID_RUN, EndedSteps.of(MID_RUN, "RUNNING"));
    assertEquals(MID_RUN, EndedSteps.of(MID_RUN, "COMPLETED"));
    assertEquals(MID_RUN, EndedSteps.of(MID_RUN, null), "status unknown: shown as published");
  }

  @Test
  void theApprovalPromptIsNotAwaitedOnceAStepIsCancelledOrFailed() {
    Step gate = new Step(2, "Approval", "lab", State.PENDING, "");
    Step[] verifying = {new Step(1, "Verify backup", "lab", State.RUNNING, ""), gate};
    assertTrue(!Approval.neverAsks(verifying, 2));
    for (State ended : new State[] {State.CANCELLED, State.FAILED}) {
      assertTrue(Approval.neverAsks(new Step[] {new Step(1, "Verify backup", "lab", ended, "x"), gate}, 2), ended.name());
    }
    assertTrue(Approval.neverAsks(new Step[] {MID_RUN.get(0), gate.with(State.SKIPPED, "not requested")}, 2));
  }
}
