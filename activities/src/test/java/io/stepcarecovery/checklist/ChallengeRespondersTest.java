package io.stepcarecovery.checklist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stepcarecovery.config.ListenAddress;
import io.stepcarecovery.probe.HttpsClients;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * The check's own challenge responders, without a CA: http-01 serves exactly the token's path,
 * tls-alpn-01 completes a handshake only for ALPN acme-tls/1 with the acmeIdentifier
 * certificate, and both release their address when closed.
 */
class ChallengeRespondersTest {
  private static final String ACME_IDENTIFIER_OID = "1.3.6.1.5.5.7.1.31";

  private static ListenAddress freeLoopback() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new ListenAddress("127.0.0.1", s.getLocalPort());
    }
  }

  @Test
  void http01ServesOnlyTheTokensPath_andReleasesTheAddressWhenClosed() throws Exception {
    ListenAddress at = freeLoopback();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://" + at + Http01Responder.PREFIX;
    try (Http01Responder r = Http01Responder.start(at, "tok3n", "tok3n.thumbprint")) {
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "tok3n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("tok3n.thumbprint", ok.body());
      for (String other : new String[] {base + "other", base, "http://" + at + "/", base + "tok3n/x"}) {
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(other)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode(), other);
      }
      assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "tok3n"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
      assertEquals(1, r.answered());
    }
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(URI.create(base + "tok3n")).build(),
        HttpResponse.BodyHandlers.discarding()));
  }

  @Test
  void tlsAlpn01HandshakesOnlyForAcmeTls1_presentingTheAcmeIdentifierCertificate() throws Exception {
    ListenAddress at = freeLoopback();
    KeyPair account = AcmeFlow.FRESH_KEYS.get();
    Session session = new Session(URI.create("https://ca.invalid/acme/acme/directory"));
    Login login = new Login(new URL("https://ca.invalid/acme/acme/account/1"), account, session);
    TlsAlpn01Challenge challenge = new TlsAlpn01Challenge(login, JSON.parse("{\"type\":\"tls-alpn-01\","
        + "\"url\":\"https://ca.invalid/acme/acme/challenge/1/2\",\"status\":\"pending\",\"token\":\"tok3n\"}"));
    try (TlsAlpn01Responder r = TlsAlpn01Responder.start(at, challenge, Identifier.dns("localhost"))) {
      X509Certificate[] seen = new X509Certificate[1];
      SSLContext look = HttpsClients.context(HttpsClients.watching(chain -> seen[0] = chain[0]));

      try (SSLSocket s = (SSLSocket) look.getSocketFactory().createSocket("127.0.0.1", at.port())) {
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        s.setSSLParameters(p);
        assertThrows(IOException.class, s::startHandshake, "no handshake without acme-tls/1");
      }

      try (SSLSocket s = (SSLSocket) look.getSocketFactory().createSocket("127.0.0.1", at.port())) {
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {TlsAlpn01Responder.ACME_TLS_1});
        s.setSSLParameters(p);
        s.startHandshake();
        assertEquals(TlsAlpn01Responder.ACME_TLS_1, s.getApplicationProtocol());
      }
      assertNotNull(seen[0]);
      byte[] ext = seen[0].getExtensionValue(ACME_IDENTIFIER_OID);
      assertNotNull(ext, "the validation certificate carries acmeIdentifier");
      // OCTET STRING (extension value) { OCTET STRING (32 bytes: SHA-256 of the key authorization) }
      byte[] digest = java.util.Arrays.copyOfRange(ext, ext.length - 32, ext.length);
      assertArrayEquals(challenge.getAcmeValidation(), digest);
      // The server side counts once its own handshake call returns, just after the client's.
      for (int i = 0; i < 50 && r.answered() == 0; i++) {
        Thread.sleep(100);
      }
      assertEquals(1, r.answered(), "one acme-tls/1 handshake, the refused one not counted");
    }
    assertThrows(ConnectException.class, () -> new java.net.Socket("127.0.0.1", at.port()).close());
  }
}
