package io.stepcarecovery.probe;

import io.stepcarecovery.ca.Fingerprints;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Every TLS context and HTTPS client this tool makes, in one place, in two kinds:
 * <ul>
 *   <li>{@link #trusting}: trusts exactly the configured root of the internal CA, as a client
 *       machine of the platform would; nothing from the JDK's default trust store. Whatever a
 *       check concludes, it concludes through one of these.</li>
 *   <li>{@link #lookOnly} and {@link #watching}: accept any certificate, for diagnosis only
 *       (which root does the CA really serve? which chain does a server present?): what they
 *       fetch is compared with what is trusted, never trusted itself.</li>
 * </ul>
 */
public final class HttpsClients {
  private HttpsClients() {}

  public static OkHttpClient trusting(Path rootCert, Duration timeout) {
    return trusting(Fingerprints.certificates(rootCert), timeout);
  }

  public static OkHttpClient trusting(List<X509Certificate> roots, Duration timeout) {
    X509TrustManager tm = trustManager(roots);
    return okHttp(tm, timeout).build();
  }

  /** Accepts any certificate and any name: only for looking at what a server serves. */
  public static OkHttpClient lookOnly(Duration timeout) {
    return okHttp(watching(chain -> {}), timeout).hostnameVerifier((host, session) -> true).build();
  }

  /** A trust manager of exactly these roots. */
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

  /** Accepts whatever a server presents, handing the chain (leaf first) to {@code seen}. */
  public static X509TrustManager watching(Consumer<X509Certificate[]> seen) {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.accept(chain);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }

  public static SSLContext context(X509TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bounded in every phase: a check never waits on a server for long. */
  private static OkHttpClient.Builder okHttp(X509TrustManager tm, Duration timeout) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(context(tm).getSocketFactory(), tm)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .callTimeout(timeout.multipliedBy(2))
        .retryOnConnectionFailure(false);
  }
}
