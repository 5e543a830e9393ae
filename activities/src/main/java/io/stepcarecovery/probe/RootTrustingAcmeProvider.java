package io.stepcarecovery.probe;

import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider, with an HTTP client that trusts exactly the CA's configured root (as
 * a client machine of the platform does), never the JVM's default trust store and never "trust
 * all": the same override acme4j's own Pebble provider makes for Pebble's test root. acme4j 3
 * builds its java.net.http client in {@link HttpConnector#createClientBuilder}. Used by the
 * checklist's ACME flow and by the ingress's account check.
 */
public final class RootTrustingAcmeProvider extends GenericAcmeProvider {
  private final SSLContext trust;

  public RootTrustingAcmeProvider(SSLContext trust) {
    this.trust = trust;
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
