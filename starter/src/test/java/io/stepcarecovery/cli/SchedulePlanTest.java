package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.ca.CaView;
import io.stepcarecovery.config.ConfigLoader;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.drill.DrillRequest;
import io.stepcarecovery.worker.RunbookAttributes;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code schedule apply} sends, built from a config and asserted object by object: no server
 * here has Schedules (Temporal's test server answers UNIMPLEMENTED), so the Schedule objects are
 * the contract.
 */
class SchedulePlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private StepcaRecoveryConfig config(String mainSchedule, String otherSchedule) throws Exception {
    Path pass = tmp.resolve("provisioner.pass");
    Files.writeString(pass, "s3cret-provisioner-password\n");
    String yaml = """
        temporal: { workerDeadlineSeconds: 45 }
        cas:
          - name: main
            host: ca1
            caConfig: /etc/step-ca/config/ca.json
            url: https://ca.internal:9000
            rootCert: /etc/step-ca/certs/root_ca.crt
            service: { type: systemd, unit: step-ca }
            issuance: { provisioner: admin, passwordFile: PASS, subject: test.internal }
            backups: { store: /var/backups/step-ca }
            MAIN
          - name: other
            host: ca2
            caConfig: /srv/ca2/config/ca.json
            url: https://ca2.internal:9000
            rootCert: /srv/ca2/certs/root_ca.crt
            service: { type: docker, container: ca2 }
            backups: { store: /var/backups/ca2 }
            OTHER
        """.replace("PASS", pass.toString()).replace("MAIN", mainSchedule).replace("OTHER", otherSchedule);
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  @Test
  void aCronBackupStartsTheCliBackupsWorkflowAndInputOnTheSharedQueue() throws Exception {
    StepcaRecoveryConfig config = config("schedule: { backup: \"0 3 * * *\" }", "");
    List<SchedulePlan.Planned> plans = SchedulePlan.of(config, false);
    assertEquals(1, plans.size(), "one schedule: main's backup (other has none)");
    SchedulePlan.Planned p = plans.get(0);
    assertEquals("stepca-recovery-backup-main", p.id());

    ScheduleSpec spec = p.schedule().getSpec();
    assertEquals(List.of("0 3 * * *"), spec.getCronExpressions());
    assertTrue(spec.getIntervals() == null || spec.getIntervals().isEmpty(), "cron, not an interval");
    assertEquals(Duration.ofMinutes(5), spec.getJitter(), "default jitter");

    assertEquals(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, p.schedule().getPolicy().getOverlap());
    assertEquals(Duration.ofDays(1), p.schedule().getPolicy().getCatchupWindow());
    assertFalse(p.schedule().getPolicy().isPauseOnFailure(), "a failed backup does not stop the next ones");
    assertFalse(p.schedule().getState().isPaused());
    assertTrue(p.schedule().getState().getNote().contains(config.source().toString()), p.schedule().getState().getNote());

    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) p.schedule().getAction();
    assertEquals("BackupWorkflow", action.getWorkflowType());
    assertEquals(TaskQueues.SHARED, action.getOptions().getTaskQueue());
    assertEquals("backup-main-scheduled", action.getOptions().getWorkflowId());
    assertTrue(action.getOptions().getStaticSummary().contains("Backup of CA main"), action.getOptions().getStaticSummary());
    assertTrue(action.getOptions().getStaticDetails().contains("stepca-recovery-backup-main"));
    assertNull(action.getOptions().getTypedSearchAttributes(), "no search attributes where the service has none");

    // the input BackupCommand builds: the CA as this config describes it, the worker deadline
    assertEquals(new BackupRequest("main", "scheduled (0 3 * * *)", null, 45,
            new CaView("main", "/etc/step-ca/config/ca.json", "https://ca.internal:9000", "/var/backups/step-ca")),
        action.getArguments().get(0, BackupRequest.class));
    JsonNode input = payloadJson(action);
    List<String> fields = new ArrayList<>();
    input.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("ca", "reason", "configOnly", "workerDeadlineSeconds", "expect"), fields,
        "names, paths and numbers only: " + input);
    assertFalse(input.toString().contains("s3cret"), "no secret in the schedule's stored input: " + input);
  }

  @Test
  void anIntervalDrillWithConfiguredJitterStartsDrillWorkflowOnTheLatestBackup() throws Exception {
    StepcaRecoveryConfig config = config("schedule: { backup: 6h, drill: 24h, jitter: 30s }",
        "schedule: { drill: \"@weekly\", jitter: \"0\" }");
    List<SchedulePlan.Planned> plans = SchedulePlan.of(config, true);
    assertEquals(List.of("stepca-recovery-backup-main", "stepca-recovery-drill-main", "stepca-recovery-drill-other"),
        plans.stream().map(SchedulePlan.Planned::id).toList());

    SchedulePlan.Planned backup = plans.get(0);
    assertEquals(List.of(new ScheduleIntervalSpec(Duration.ofHours(6))), backup.schedule().getSpec().getIntervals());
    assertEquals(Duration.ofSeconds(30), backup.schedule().getSpec().getJitter());

    SchedulePlan.Planned drill = plans.get(1);
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) drill.schedule().getAction();
    assertEquals("DrillWorkflow", action.getWorkflowType());
    assertEquals(TaskQueues.SHARED, action.getOptions().getTaskQueue());
    assertEquals("drill-main-scheduled", action.getOptions().getWorkflowId());
    assertEquals(new DrillRequest("main", "latest", null, 45), action.getArguments().get(0, DrillRequest.class));
    assertEquals(List.of(new ScheduleIntervalSpec(Duration.ofHours(24))), drill.schedule().getSpec().getIntervals());
    assertEquals(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, drill.schedule().getPolicy().getOverlap());
    // the service has the runbook's search attributes: the runs carry them as the CLI's do
    assertEquals("drill", action.getOptions().getTypedSearchAttributes().get(RunbookAttributes.RUNBOOK_KIND));
    assertEquals("main", action.getOptions().getTypedSearchAttributes().get(RunbookAttributes.CA_NAME));

    SchedulePlan.Planned other = plans.get(2);
    assertEquals(List.of("@weekly"), other.schedule().getSpec().getCronExpressions());
    assertEquals(Duration.ZERO, other.schedule().getSpec().getJitter(), "jitter 0: none");
  }

  @Test
  void scheduleIdsReadBackAsTheirCaAndJob() {
    assertEquals(Optional.of(new SchedulePlan.Key(SchedulePlan.Job.BACKUP, "main")),
        SchedulePlan.parse(SchedulePlan.scheduleId(SchedulePlan.Job.BACKUP, "main")));
    assertEquals(Optional.of(new SchedulePlan.Key(SchedulePlan.Job.DRILL, "ca-2.prod")),
        SchedulePlan.parse("stepca-recovery-drill-ca-2.prod"));
    assertEquals(Optional.empty(), SchedulePlan.parse("nightly-reports"), "someone else's schedule");
    assertEquals(Optional.empty(), SchedulePlan.parse("stepca-recovery-backup-"));
  }

  @Test
  void specsAsTheServiceReturnsThemReadAsTheConfigWroteThem() {
    // a server compiles "0 3 * * *" into a structured calendar; list shows it as cron again
    ScheduleCalendarSpec daily = ScheduleCalendarSpec.newBuilder()
        .setSeconds(List.of(new ScheduleRange(0))).setMinutes(List.of(new ScheduleRange(0)))
        .setHour(List.of(new ScheduleRange(3))).setDayOfMonth(List.of(new ScheduleRange(1, 31)))
        .setMonth(List.of(new ScheduleRange(1, 12))).setDayOfWeek(List.of(new ScheduleRange(0, 6))).build();
    assertEquals("0 3 * * *", ScheduleSpecText.of(ScheduleSpec.newBuilder().setCalendars(List.of(daily)).build()));
    ScheduleCalendarSpec quarterHours = ScheduleCalendarSpec.newBuilder(daily)
        .setMinutes(List.of(new ScheduleRange(0, 59, 15))).setHour(List.of(new ScheduleRange(1, 5), new ScheduleRange(22))).build();
    assertEquals("*/15 1-5,22 * * *", ScheduleSpecText.of(ScheduleSpec.newBuilder().setCalendars(List.of(quarterHours)).build()));
    assertEquals("every 6h", ScheduleSpecText.of(ScheduleSpec.newBuilder()
        .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(6)))).build()));
    assertEquals("0 3 * * *", ScheduleSpecText.of(ScheduleSpec.newBuilder().setCronExpressions(List.of("0 3 * * *")).build()));
  }

  /**
   * The action's input as the service stores it: the client encodes the action's arguments with
   * its data converter when it sends the schedule; the CLI's client has the default one.
   */
  private static JsonNode payloadJson(ScheduleActionStartWorkflow action) throws Exception {
    Object value = action.getArguments().get(0, Object.class);
    var payloads = DefaultDataConverter.newDefaultInstance().toPayloads(value).orElseThrow();
    assertEquals(1, payloads.getPayloadsCount(), "one argument");
    return JSON.readTree(payloads.getPayloads(0).getData().toString(StandardCharsets.UTF_8));
  }
}
