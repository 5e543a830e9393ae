package io.stepcarecovery.checklist;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Checks that must run where the CA runs: its service state and its log. CA host queue. */
@ActivityInterface
public interface HostCheckActivities {
  /**
   * "Step-CA running", "No startup errors" (recent log lines scanned for known failures), and for a
   * CA whose ca.json has db.type mysql "CA database reachable" (its own credentials, its tables).
   */
  @ActivityMethod
  List<ChecklistItem> checkServiceStatus(String ca);
}
