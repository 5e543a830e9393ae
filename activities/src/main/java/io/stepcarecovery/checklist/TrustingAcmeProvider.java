package io.stepcarecovery.checklist;

import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider, with an HTTP client that trusts exactly the configured root (as a
 * client machine of the platform does), never the JVM's default trust store and never "trust
 * all". acme4j 3 builds its java.net.http client in {@link HttpConnector#createClientBuilder}.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {
  private final SSLContext trust;

  TrustingAcmeProvider(SSLContext trust) {
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
