package io.stepcarecovery.worker;

import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FOR CRASH TESTS ONLY. With {@code STEPCA_RECOVERY_TEST_PAUSE=<ActivityType>@<marker file>} in
 * its environment, the worker holds the first attempt of that activity: it writes the marker file
 * (so a test knows where the run is) and waits, so the test can kill the process with SIGKILL at
 * exactly that step, or signal it. A worker process and an embedded run (the CLI without a
 * Temporal address) both honour it. Without the variable, nothing is installed.
 */
final class CrashTestPause extends WorkerInterceptorBase {
  static final String VARIABLE = "STEPCA_RECOVERY_TEST_PAUSE";
  private final String activityType;
  private final Path marker;

  private CrashTestPause(String activityType, Path marker) {
    this.activityType = activityType;
    this.marker = marker;
  }

  static CrashTestPause fromEnvironment() {
    String spec = System.getenv(VARIABLE);
    if (spec == null || !spec.contains("@")) {
      return null;
    }
    return new CrashTestPause(spec.substring(0, spec.indexOf('@')), Path.of(spec.substring(spec.indexOf('@') + 1)));
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        var info = context.getInfo();
        if (info.getActivityType().equals(activityType) && info.getAttempt() == 1) {
          try {
            Files.writeString(marker, info.getWorkflowId() + " " + activityType + "\n");
            Thread.sleep(600_000);
          } catch (Exception e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.execute(input);
      }
    };
  }
}
