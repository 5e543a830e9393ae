package io.stepcarecovery.verify;

import io.stepcarecovery.ActivityPlans;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.ca.CaDescription;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Checklists;
import io.stepcarecovery.probe.Platform;
import io.stepcarecovery.probe.ProbeActivities;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** The whole validation checklist against a running platform; changes nothing. */
public class VerifyWorkflowImpl implements VerifyWorkflow {
  @Override
  public List<ChecklistItem> verify(VerifyRequest request) {
    if (request == null || request.ca() == null || request.ca().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("verify input needs a CA name, e.g. {\"ca\":\"main\"}",
          "BadInput");
    }
    Platform platform = ActivityPlans.stub(ProbeActivities.class, TaskQueues.SHARED, ActivityPlans.QUICK,
        "Describe · " + request.ca()).describePlatform(request.ca());
    CaDescription ca = platform.ca();
    List<ChecklistItem> items = new ArrayList<>();
    Workflow.setCurrentDetails("Checking service status, ACME, trust, issuance and "
        + platform.services().size() + " service(s) of " + ca.name());
    items.addAll(Checklists.serviceStatus(ca, "Service status · " + ca.name() + " on " + ca.host()));
    items.addAll(Checklists.acme(ca, "ACME directory · " + ca.url()));
    items.addAll(Checklists.trust(ca, "Trust chain · " + ca.url()));
    items.addAll(Checklists.issuance(ca, "Test issuance · " + ca.url()));
    items.addAll(Checklists.services(ca, platform.services(), "Application HTTPS"));
    List<ChecklistItem> ordered = Checklists.ordered(items);
    Workflow.setCurrentDetails(Checklists.allPassed(ordered) ? Checklists.tally(ordered)
        : "Failed: " + Checklists.failures(ordered));
    return ordered;
  }
}
