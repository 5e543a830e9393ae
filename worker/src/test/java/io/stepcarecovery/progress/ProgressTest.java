package io.stepcarecovery.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A step whose activity is cancelled with its run reads "cancelled", one whose activity failed
 * reads "failed": the runbook workflows call {@link Progress#failed} from the same catch block for
 * both. A one-step workflow on Temporal's test server, shaped as theirs are.
 */
@Timeout(60)
class ProgressTest {
  static final String QUEUE = "progress-test";
  static final CountDownLatch RELEASE = new CountDownLatch(1);
  static final CountDownLatch STARTED = new CountDownLatch(1);

  @ActivityInterface
  public interface Work {
    void work(boolean fail);
  }

  public static class WorkImpl implements Work {
    @Override
    public void work(boolean fail) {
      if (fail) {
        throw ApplicationFailure.newNonRetryableFailure("disk full", "Test");
      }
      STARTED.countDown();
      try {
        RELEASE.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @WorkflowInterface
  public interface OneStep {
    @WorkflowMethod
    void run(boolean fail);

    @QueryMethod
    List<Step> progress();
  }

  enum TestStep implements RunbookStep {
    WORK("Work"), AFTER("After");

    private final String label;

    TestStep(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }
  }

  public static class OneStepImpl implements OneStep {
    private final Progress progress = new Progress(TestStep.values());

    @Override
    public void run(boolean fail) {
      progress.running(TestStep.WORK, "here");
      try {
        Workflow.newActivityStub(Work.class, ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build()).work(fail);
        progress.done(TestStep.WORK, "");
      } catch (ActivityFailure e) {
        progress.failed(TestStep.WORK, "stopped");
        throw e;
      }
    }

    @Override
    public List<Step> progress() {
      return progress.steps();
    }
  }

  TestWorkflowEnvironment env;

  @BeforeEach
  void up() {
    env = TestWorkflowEnvironment.newInstance();
    Worker w = env.newWorker(QUEUE);
    w.registerWorkflowImplementationTypes(OneStepImpl.class);
    w.registerActivitiesImplementations(new WorkImpl());
    env.start();
  }

  @AfterEach
  void down() {
    RELEASE.countDown();
    env.close();
  }

  private OneStep start(String id) {
    return env.getWorkflowClient().newWorkflowStub(OneStep.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
  }

  @Test
  void aStepCancelledWithItsRunReadsCancelled() throws Exception {
    OneStep wf = start("progress-cancelled");
    WorkflowClient.start(wf::run, false);
    STARTED.await(20, TimeUnit.SECONDS);
    WorkflowStub untyped = WorkflowStub.fromTyped(wf);
    untyped.cancel();
    assertThrows(WorkflowFailedException.class, () -> untyped.getResult(Void.class));
    List<Step> steps = wf.progress();
    assertEquals(Step.State.CANCELLED, steps.get(0).state(), steps.toString());
    assertEquals(Step.State.PENDING, steps.get(1).state(), "the workflow never reached it");
  }

  @Test
  void aStepWhoseActivityFailedReadsFailed() {
    OneStep wf = start("progress-failed");
    assertThrows(WorkflowFailedException.class, () -> wf.run(true));
    Step step = wf.progress().get(0);
    assertEquals(Step.State.FAILED, step.state());
    assertEquals("stopped", step.detail());
  }
}
