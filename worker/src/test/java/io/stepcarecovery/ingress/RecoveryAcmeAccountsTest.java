package io.stepcarecovery.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.Histories;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.backup.BackupRequest;
import io.stepcarecovery.backup.BackupWorkflow;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.recovery.RecoveryResult;
import io.stepcarecovery.recovery.RecoveryWorkflow;
import io.stepcarecovery.restore.RestoreRequest;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingress's ACME accounts through a real outage and recovery: the lab's nginx plays Traefik
 * with an ACME resolver (lego registers and obtains, its store is a Traefik acme.json), the CA is
 * killed and its data deleted, and {@code recover} asks the restored CA about the account with the
 * account's own key, on the ingress host's task queue.
 */
@Tag("lab")
class RecoveryAcmeAccountsTest {
  @TempDir Path tmp;
  LabCa lab;
  AcmeLab acme;
  TestWorkflowEnvironment env;

  @BeforeEach
  void up() throws Exception {
    lab = LabCa.up(tmp.resolve("lab"));
    acme = AcmeLab.enable(lab);
  }

  private void startWorkers() {
    var config = lab.config();
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Workers.register(env.getWorkerFactory(), config, config.hosts());
    env.start();
  }

  @AfterEach
  void down() {
    if (env != null) {
      env.close();
    }
    lab.close();
  }

  private <T> T stub(Class<T> type, String id) {
    return env.getWorkflowClient().newWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.SHARED).setWorkflowId(id).setWorkflowExecutionTimeout(Duration.ofMinutes(6)).build());
  }

  private RecoveryResult outageThenRecover(String id, boolean clearAll) throws Exception {
    lab.killCa();
    LabCa.run(List.of("rm", "-rf", lab.stepPath().toString()), 30);
    return stub(RecoveryWorkflow.class, id).recover(new RestoreRequest("lab", "latest", null, null, null,
        clearAll ? Boolean.TRUE : null));
  }

  private List<Path> copiesOfAcmeJson() throws Exception {
    try (Stream<Path> s = Files.list(acme.acmeJson().getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith("acme.json.pre-recovery-")).toList();
    }
  }

  @Test
  void anAccountRegisteredBeforeTheBackupIsKnownAfterTheRecoveryAndLeftAlone() throws Exception {
    acme.restartIngress(); // registers and obtains: before the backup
    String account = acme.accountUri();
    assertNotNull(account, "lego registered an account into acme.json");
    startWorkers();
    stub(BackupWorkflow.class, "backup-known").backup(new BackupRequest("lab", "with the ingress's account"));

    RecoveryResult r = outageThenRecover("recover-known", false);

    assertTrue(r.ok(), r.message());
    assertEquals(1, r.acmeAccounts().size(), r.acmeAccounts().toString());
    AcmeAccountOutcome o = r.acmeAccounts().get(0);
    assertEquals("nginx", o.ingress());
    assertEquals("lab", o.resolver());
    assertEquals(account, o.accountUrl());
    assertEquals("ingress@lab.test", o.email());
    assertEquals(AccountStatus.KNOWN, o.status(), o.summary());
    assertFalse(o.cleared(), o.summary());
    assertNull(o.newCertificate());
    assertEquals(account, acme.accountUri(), "acme.json keeps its account");
    assertEquals(List.of(), copiesOfAcmeJson(), "nothing was cleared, so no copy");
  }

  @Test
  void anAccountRegisteredAfterTheBackupIsStaleClearedAndTheIngressServesANewCertificate() throws Exception {
    acme.shortAcmeCertificates();
    startWorkers();
    stub(BackupWorkflow.class, "backup-stale").backup(new BackupRequest("lab", "before the ingress registered"));
    acme.restartIngress(); // registers account B and obtains a certificate: after the backup
    String stale = acme.accountUri();
    String staleKey = acme.accountKeyBase64();
    X509Certificate before = acme.storedCertificate();
    acme.awaitStoredCertificateDue(); // the outage lasts until the certificate is due, as real ones do

    Instant recoveryStarted = Instant.now();
    RecoveryResult r = outageThenRecover("recover-stale", false);

    assertEquals(1, r.acmeAccounts().size(), r.acmeAccounts().toString());
    AcmeAccountOutcome o = r.acmeAccounts().get(0);
    assertEquals(stale, o.accountUrl());
    assertEquals(AccountStatus.STALE, o.status(), o.summary());
    assertTrue(o.cleared(), o.summary());
    // Nothing lost: acme.json as it was, with account B, is kept beside it.
    assertEquals(List.of(Path.of(o.acmeJsonCopy())), copiesOfAcmeJson());
    assertTrue(Files.readString(Path.of(o.acmeJsonCopy())).contains(stale));
    // The ingress registered anew and serves a certificate issued after the recovery started.
    String now = acme.accountUri();
    assertNotNull(now, "the ingress registered a new account at its restart");
    assertNotEquals(stale, now);
    ServedCertificate served = o.newCertificate();
    assertNotNull(served, o.summary());
    assertTrue(served.issuedAfter(), served.detail());
    assertNotEquals(AcmeLab.sha256(before), served.sha256());
    X509Certificate stored = acme.storedCertificate();
    assertEquals(AcmeLab.sha256(stored), served.sha256(), "served is what the resolver now holds");
    // step-ca backdates by a minute: issued at notBefore + 1 min, after the recovery began
    assertFalse(stored.getNotBefore().toInstant().plus(Duration.ofMinutes(1)).isBefore(recoveryStarted.minusSeconds(1)),
        stored.getNotBefore() + " vs " + recoveryStarted);
    assertTrue(r.ok(), r.message());

    // The keys (the stale one, the new one) are in no history payload and no result.
    String history = Histories.readable(env.getWorkflowClient(), "recover-stale");
    String result = AcmeLab.JSON.writeValueAsString(r);
    for (String key : List.of(staleKey, acme.accountKeyBase64())) {
      for (String piece : AcmeLab.pieces(key)) {
        assertFalse(history.contains(piece), "the recovery's history holds an account key");
        assertFalse(result.contains(piece), "the recovery's result holds an account key");
      }
    }
    assertFalse(history.contains("PRIVATE KEY"), "a PEM private key in the history");
  }

  @Test
  void clearAcmeAccountClearsEveryAccountKnownOrNot() throws Exception {
    acme.restartIngress();
    String account = acme.accountUri();
    startWorkers();
    stub(BackupWorkflow.class, "backup-all").backup(new BackupRequest("lab", "with the ingress's account"));

    RecoveryResult r = outageThenRecover("recover-all", true);

    AcmeAccountOutcome o = r.acmeAccounts().get(0);
    assertEquals(AccountStatus.KNOWN, o.status(), o.summary());
    assertTrue(o.cleared(), "--clear-acme-account clears a known account too: " + o.summary());
    assertTrue(Files.readString(Path.of(o.acmeJsonCopy())).contains(account), "the copy keeps it");
    assertTrue(acme.account().isMissingNode() || acme.account().isNull(), "acme.json has no account: " + acme.account());
    assertNull(o.newCertificate(), "its certificate was valid: nothing new was due");
    assertTrue(r.ok(), r.message());
  }

  @Test
  void aMalformedAcmeJsonFailsTheIngressStepWithOneMessageAndChangesNothing() throws Exception {
    acme.restartIngress();
    startWorkers();
    stub(BackupWorkflow.class, "backup-bad").backup(new BackupRequest("lab", "before"));
    String broken = Files.readString(acme.acmeJson()).substring(0, 300);
    Files.writeString(acme.acmeJson(), broken);
    String nginxPid = Files.readString(lab.dir().resolve("app/nginx.pid")).strip();

    RecoveryResult r = outageThenRecover("recover-bad", false);

    assertEquals(broken, Files.readString(acme.acmeJson()), "acme.json unchanged");
    assertEquals(List.of(), copiesOfAcmeJson());
    assertEquals(nginxPid, Files.readString(lab.dir().resolve("app/nginx.pid")).strip(), "the ingress was not restarted");
    String ingressStep = env.getWorkflowClient().newWorkflowStub(RecoveryWorkflow.class, "recover-bad").progress().stream()
        .filter(s -> s.title().equals("Restart the ingress")).findFirst().orElseThrow().toString();
    assertTrue(ingressStep.contains("acme.json " + acme.acmeJson() + " is not JSON (line"), ingressStep);
    assertEquals(List.of(), r.acmeAccounts());
    assertFalse(r.ok(), "the ingress's accounts were not checked: " + r.message());
    assertTrue(r.message().contains("is not JSON"), r.message());
  }
}
