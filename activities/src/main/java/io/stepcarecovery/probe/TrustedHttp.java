package io.stepcarecovery.probe;

import io.stepcarecovery.ca.Fingerprints;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * HTTPS clients that trust exactly one root: the configured trust anchor of the internal CA,
 * as a client machine of the platform would. Nothing from the JDK's default trust store.
 */
public final class TrustedHttp {
  private TrustedHttp() {}

  public static OkHttpClient client(Path rootCert, Duration timeout) {
    return client(Fingerprints.certificates(rootCert), timeout);
  }

  public static OkHttpClient client(List<X509Certificate> roots, Duration timeout) {
    X509TrustManager tm = trustManager(roots);
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
      return new OkHttpClient.Builder()
          .sslSocketFactory(ctx.getSocketFactory(), tm)
          .connectTimeout(timeout)
          .readTimeout(timeout)
          .callTimeout(timeout.multipliedBy(2))
          .retryOnConnectionFailure(false)
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509TrustManager trustManager(List<X509Certificate> roots) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        ks.setCertificateEntry("root-" + i, roots.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
