package io.openmede.bench.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counters read from a service's {@code /metrics} on this machine, by their reason label. */
final class MetricsScrape {

  private static final Pattern METRIC_LINE =
      Pattern.compile("^(\\w+)(?:\\{reason=\"(\\w+)\"\\})? (\\S+)$");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * The counter {@code name} of the {@code /metrics} on {@code port}, by reason ("" without one);
   * empty when unreachable (a dead service has no metrics).
   */
  Map<String, Double> counter(int port, String name) {
    Map<String, Double> m = new TreeMap<>();
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        Matcher x = METRIC_LINE.matcher(line.strip());
        if (x.matches() && x.group(1).equals(name)) {
          m.put(x.group(2) == null ? "" : x.group(2), Double.parseDouble(x.group(3)));
        }
      }
    } catch (IOException e) {
      // a dead service has no metrics
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return m;
  }

  /**
   * The sum of every sample of {@code name} (whatever its labels) on {@code port}; 0 when there is
   * none or the port does not answer.
   */
  double sum(int port, String name) {
    double total = 0;
    for (String line : body(port).split("\n")) {
      String l = line.strip();
      if (l.startsWith(name + "{") || l.startsWith(name + " ")) {
        try {
          total += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        } catch (NumberFormatException notASample) {
          // a comment or a malformed line
        }
      }
    }
    return total;
  }

  private String body(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
