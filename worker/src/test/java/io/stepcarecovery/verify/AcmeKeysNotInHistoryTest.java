package io.stepcarecovery.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.Histories;
import io.stepcarecovery.TaskQueues;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.ValidationActivitiesImpl;
import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.lab.LabCa;
import io.stepcarecovery.probe.ProbeActivitiesImpl;
import io.stepcarecovery.worker.Workers;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACME check's throwaway keys (account and certificate) stay in the activity's memory: the
 * verify workflow runs the real flow against the lab on Temporal's test server, and its whole
 * history (every payload decoded) holds none of the keys the check used, in any encoding a key
 * would be written in (PKCS#8, PEM, a JWK's "d", the scalar in hex or decimal).
 */
@Tag("lab")
class AcmeKeysNotInHistoryTest {
  @TempDir Path tmp;

  /** Fresh P-256 pairs, as the check makes them, remembered here so the test knows what to look for. */
  private static final class RecordedKeys implements Supplier<KeyPair> {
    final List<KeyPair> made = new CopyOnWriteArrayList<>();

    @Override
    public KeyPair get() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        made.add(k);
        return k;
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void verifyObtainsACertificateByAcme_andNoAccountOrCertificateKeyIsInItsHistory() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab"))) {
      StepcaRecoveryConfig config = lab.config();
      RecordedKeys keys = new RecordedKeys();
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
      try {
        Worker shared = env.getWorkerFactory().newWorker(TaskQueues.SHARED);
        shared.registerWorkflowImplementationTypes(Workers.WORKFLOWS.toArray(Class<?>[]::new));
        shared.registerActivitiesImplementations(new ProbeActivitiesImpl(config), new ValidationActivitiesImpl(config, keys));
        Workers.registerHosts(env.getWorkerFactory(), config, config.hosts(), Workers::hostActivities);
        env.start();

        List<ChecklistItem> items = env.getWorkflowClient().newWorkflowStub(VerifyWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.SHARED).setWorkflowId("verify-acme")
                .setWorkflowExecutionTimeout(Duration.ofMinutes(3)).build()).verify(new VerifyRequest("lab"));

        ChecklistItem acme = items.stream().filter(i -> i.item().equals("ACME endpoint reachable")).findFirst().orElseThrow();
        System.out.println("  " + acme);
        assertEquals(ChecklistItem.PASSED, acme.status(), acme::toString);
        assertTrue(acme.detail().contains("finalize: certificate serial "), acme.detail());
        assertEquals(2, keys.made.size(), "one account key and one certificate key: " + keys.made.size());

        String history = Histories.readable(env.getWorkflowClient(), "verify-acme");
        assertTrue(history.contains("finalize: certificate serial "), "the history is the one that ran the ACME flow");
        assertFalse(history.contains("PRIVATE KEY"), "a PEM private key in the history");
        assertFalse(Pattern.compile("\"d\"\\s*:\\s*\"").matcher(history).find(), "a JWK private member \"d\" in the history");
        for (KeyPair k : keys.made) {
          byte[] pkcs8 = k.getPrivate().getEncoded();
          BigInteger s = ((ECPrivateKey) k.getPrivate()).getS();
          byte[] scalar = fixed32(s);
          for (String encoding : List.of(
              Base64.getEncoder().encodeToString(pkcs8),
              Base64.getUrlEncoder().withoutPadding().encodeToString(pkcs8),
              Base64.getUrlEncoder().withoutPadding().encodeToString(scalar),
              Base64.getEncoder().encodeToString(scalar),
              HexFormat.of().formatHex(scalar),
              s.toString())) {
            assertFalse(history.contains(encoding), "a key of the ACME check in the history (" + encoding.length()
                + " chars)");
          }
        }
      } finally {
        env.close();
      }
    }
  }

  private static byte[] fixed32(BigInteger s) {
    byte[] raw = s.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
