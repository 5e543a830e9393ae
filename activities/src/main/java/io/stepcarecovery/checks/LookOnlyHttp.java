package io.stepcarecovery.checks;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * An HTTPS client that accepts any certificate. Only for diagnosis (which root does the CA
 * really use?): what it fetches is never trusted, only compared with what is.
 */
final class LookOnlyHttp {
  private LookOnlyHttp() {}

  static OkHttpClient client(Duration timeout) {
    X509TrustManager any = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {any}, null);
      return new OkHttpClient.Builder()
          .sslSocketFactory(ctx.getSocketFactory(), any)
          .hostnameVerifier((host, session) -> true)
          .connectTimeout(timeout)
          .readTimeout(timeout)
          .callTimeout(timeout.multipliedBy(2))
          .retryOnConnectionFailure(false)
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
