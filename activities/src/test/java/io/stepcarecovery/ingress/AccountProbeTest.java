package io.stepcarecovery.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

/** What the probe concludes without a CA to ask: nothing is sent where it must not go. */
class AccountProbeTest {
  private static String pkcs1() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return Base64.getEncoder().encodeToString(PrivateKeyInfo.getInstance(g.generateKeyPair().getPrivate()
        .getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded());
  }

  private static AccountProbe probe(int port) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, null, null);
    return new AccountProbe(URI.create("https://127.0.0.1:" + port + "/acme/acme/directory"), tls);
  }

  @Test
  void anAccountOfAnotherAcmeServerIsNeverAsked() throws Exception {
    AccountProbe.Answer a = probe(9000).ask(new TraefikAcmeJson.Account("ops@example.org",
        "https://acme-v02.api.letsencrypt.org/acme/acct/123456", pkcs1()));
    assertEquals(AccountStatus.FOREIGN, a.status(), a.detail());
    assertTrue(a.detail().contains("acme-v02.api.letsencrypt.org"), a.detail());
  }

  @Test
  void aCaThatDoesNotAnswerIsUnreachableNotStale() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    AccountProbe.Answer a = probe(closed).ask(new TraefikAcmeJson.Account(null,
        "https://127.0.0.1:" + closed + "/acme/acme/account/abc", pkcs1()));
    assertEquals(AccountStatus.UNREACHABLE, a.status(), a.detail());
  }

  @Test
  void aKeyTraefikCouldNotReadIsUnreadable() throws Exception {
    AccountProbe.Answer a = probe(9000).ask(new TraefikAcmeJson.Account(null,
        "https://127.0.0.1:9000/acme/acme/account/abc", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
    assertEquals(AccountStatus.UNREADABLE, a.status(), a.detail());
    assertTrue(a.detail().contains("PKCS#1"), a.detail());
  }

  @Test
  void anAccountWithoutRegistrationIsNoAccountYet() throws Exception {
    assertEquals(AccountStatus.NO_ACCOUNT, probe(9000).ask(new TraefikAcmeJson.Account(null, null, pkcs1())).status());
  }
}
