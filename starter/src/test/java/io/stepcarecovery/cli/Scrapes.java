package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a worker's {@code --metrics} endpoint in the lab tests, as Prometheus would. */
final class Scrapes {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Scrapes() {}

  /** One scrape of http://127.0.0.1:PORT/metrics; it must answer 200. */
  static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = get(port);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /**
   * Scrapes until {@code line} is in it (60 s at most: the worker may still be starting); failing,
   * the last scrape and the worker's log are the message.
   */
  static String awaitScrape(int port, String line, Path workerLog) throws IOException, InterruptedException {
    String last = "";
    for (int i = 0; i < 120; i++) {
      try {
        HttpResponse<String> r = get(port);
        last = r.body();
        if (r.statusCode() == 200 && last.contains(line)) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + line + " on /metrics; last scrape:\n" + last + "\nworker log:\n"
        + (Files.exists(workerLog) ? Files.readString(workerLog) : ""));
  }

  /** The value of one series, written exactly as the scrape has it (name and labels). */
  static Optional<Double> sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  private static HttpResponse<String> get(int port) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
