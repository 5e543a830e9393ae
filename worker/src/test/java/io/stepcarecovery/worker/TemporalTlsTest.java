package io.stepcarecovery.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepcarecovery.config.StepcaRecoveryConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TemporalConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.TlsConfig;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** Temporal reached over TLS that hangs off the CA being managed: the operator is warned. */
@Tag("lab")
class TemporalTlsTest {
  @TempDir Path tmp;

  @Test
  void tlsChainingToTheManagedCaIsNoticedAndOtherTlsIsNot() throws Exception {
    try (LabCa lab = LabCa.up(tmp.resolve("lab")); LabCa other = LabCa.up(tmp.resolve("other"))) {
      StepcaRecoveryConfig c = lab.config();
      // A client certificate issued by the lab CA itself, as an mTLS setup inside the platform would have.
      Path crt = tmp.resolve("temporal-client.crt");
      LabCa.run(List.of(LabCa.repo().resolve("lab/build/stepca-lab").toString(), "certificate", "--ca-url",
          lab.caUrl(), "--root", lab.rootCert().toString(), "--provisioner", "admin", "--password-file",
          lab.env("PROVISIONER_PASSWORD_FILE"), "--san", "worker.internal", "worker.internal", crt.toString(),
          tmp.resolve("temporal-client.key").toString()), 60);

      StepcaRecoveryConfig serverTrust = with(c, new TlsConfig(lab.rootCert(), null, null, null));
      assertEquals(List.of("lab"), TemporalSession.casBehindTemporalTls(serverTrust));
      StepcaRecoveryConfig clientCert = with(c, new TlsConfig(null, crt, tmp.resolve("temporal-client.key"), null));
      assertEquals(List.of("lab"), TemporalSession.casBehindTemporalTls(clientCert));
      StepcaRecoveryConfig unrelated = with(c, new TlsConfig(other.rootCert(), null, null, null));
      assertEquals(List.of(), TemporalSession.casBehindTemporalTls(unrelated));
      assertEquals(List.of(), TemporalSession.casBehindTemporalTls(c));
    }
  }

  private static StepcaRecoveryConfig with(StepcaRecoveryConfig c, TlsConfig tls) {
    return new StepcaRecoveryConfig(c.source(), new TemporalConfig("temporal:7233", "default", tls), c.cas(),
        c.ingress(), c.services());
  }
}
