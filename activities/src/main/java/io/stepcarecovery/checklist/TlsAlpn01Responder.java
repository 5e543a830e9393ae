package io.stepcarecovery.checklist;

import io.stepcarecovery.config.ListenAddress;
import java.io.IOException;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;

/**
 * tls-alpn-01 (RFC 8737): a TLS listener that completes a handshake only for ALPN "acme-tls/1",
 * presenting the self-signed validation certificate with the acmeIdentifier extension. The CA
 * checks the certificate during the handshake; nothing is sent after it.
 */
final class TlsAlpn01Responder implements ChallengeResponder {
  static final String ACME_TLS_1 = "acme-tls/1";
  private final SSLServerSocket socket;
  private final Thread acceptor;
  private final AtomicInteger answered = new AtomicInteger();

  private TlsAlpn01Responder(SSLServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::serve, "acme-check-tls-alpn-01");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code listen} and answers {@code challenge} for {@code id} until closed. */
  static TlsAlpn01Responder start(ListenAddress listen, TlsAlpn01Challenge challenge, Identifier id)
      throws IOException {
    SSLContext ctx;
    try {
      // RSA: acme4j signs the validation certificate with SHA256withRSA whatever the key. The key
      // lives only as long as this responder.
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair key = g.generateKeyPair();
      X509Certificate validationCert = challenge.createCertificate(key, id);
      char[] none = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("acme-validation", key.getPrivate(), none, new X509Certificate[] {validationCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the tls-alpn-01 responder's TLS context: " + e.getMessage(), e);
    }
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(listen.socketAddress(), 8);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    TlsAlpn01Responder r = new TlsAlpn01Responder(s);
    r.acceptor.start();
    return r;
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (SSLSocket c = (SSLSocket) socket.accept()) {
        c.setSoTimeout(5_000);
        SSLParameters p = c.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        c.setSSLParameters(p);
        // Only the ACME validation protocol: a browser (no acme-tls/1) gets no handshake.
        c.setHandshakeApplicationProtocolSelector((sock, offered) -> offered.contains(ACME_TLS_1) ? ACME_TLS_1 : null);
        c.startHandshake();
        if (ACME_TLS_1.equals(c.getApplicationProtocol())) {
          answered.incrementAndGet();
        }
      } catch (SocketException e) {
        if (socket.isClosed()) {
          return;
        }
      } catch (IOException e) {
        // a failed handshake (a scanner, a client without acme-tls/1): the next one may be the CA
      }
    }
  }

  @Override
  public int answered() {
    return answered.get();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a listener: nothing to do about it
    }
    try {
      acceptor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
