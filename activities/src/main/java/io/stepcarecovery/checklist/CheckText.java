package io.stepcarecovery.checklist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import okhttp3.Response;

/** How the checks quote what a server answered: one line, short, the error's own words. */
final class CheckText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckText() {}

  static String body(Response r) throws IOException {
    return r.body() == null ? "" : r.body().string();
  }

  /** step-ca's error JSON carries "message" (or "detail"); otherwise the start of the body. */
  static String message(String body) {
    try {
      JsonNode j = JSON.readTree(body);
      if (j != null && j.hasNonNull("message")) {
        return "\"" + short200(j.get("message").asText()) + "\"";
      }
      if (j != null && j.hasNonNull("detail")) {
        return "\"" + short200(j.get("detail").asText()) + "\"";
      }
    } catch (IOException ignored) {
      // not JSON
    }
    return short200(body.strip());
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    if (e instanceof ConnectException) {
      return "connection refused" + (m == null ? "" : " (" + m + ")");
    }
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + short200(m));
  }

  static String describeChain(List<X509Certificate> chain) {
    return chain.stream().map(x -> "'" + TlsProbe.commonName(x) + "'").collect(Collectors.joining(" → "));
  }

  static String short200(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 200) + "…";
  }
}
