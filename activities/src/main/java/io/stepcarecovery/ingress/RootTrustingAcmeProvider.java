package io.stepcarecovery.ingress;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * acme4j's generic provider, but its HTTP client trusts exactly the CA's configured root (the
 * SSLContext given), never the JVM's default trust store and never anything at all: the same
 * override acme4j's own Pebble provider makes for Pebble's test root.
 */
final class RootTrustingAcmeProvider extends AbstractAcmeProvider {
  private final SSLContext trust;

  RootTrustingAcmeProvider(SSLContext trust) {
    this.trust = trust;
  }

  @Override
  public boolean accepts(URI serverUri) {
    return "https".equals(serverUri.getScheme());
  }

  @Override
  public URL resolve(URI serverUri) {
    try {
      return serverUri.toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("bad ACME directory URL " + serverUri, e);
    }
  }

  @Override
  protected HttpConnector createHttpConnector(NetworkSettings settings) {
    return new HttpConnector(settings) {
      @Override
      public HttpClient.Builder createClientBuilder() {
        return super.createClientBuilder().sslContext(trust);
      }
    };
  }
}
