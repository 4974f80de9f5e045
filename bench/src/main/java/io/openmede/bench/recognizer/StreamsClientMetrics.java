package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;
import io.openmede.schemas.avro.FrameBatch;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Kafka's own metrics of the topology and the load, as one line each. */
final class StreamsClientMetrics {

  private static final List<String> STREAM_THREAD =
      List.of(
          "poll-ratio",
          "process-ratio",
          "commit-ratio",
          "punctuate-ratio",
          "commit-latency-avg",
          "commit-latency-max",
          "commit-rate");

  private StreamsClientMetrics() {}

  /** The stream threads' time split and commit latency, summed over the threads. */
  static String streamThread(RecognizerService service) {
    Map<String, Double> m = new TreeMap<>();
    service
        .streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && STREAM_THREAD.contains(name.name())
                  && metric.metricValue() instanceof Number n) {
                m.merge(name.name(), n.doubleValue(), Double::sum);
              }
            });
    return describe(m, "%.3f");
  }

  /**
   * How the Kafka clients talk to the broker (their own metrics, averaged over their last 30-60 s):
   * the Streams consumers' fetches and the records each returned, the Streams producer's and the
   * benchmark's frame producer's requests.
   */
  static String requests(RecognizerService service, KafkaProducer<String, FrameBatch> frames) {
    Map<String, Double> m = new TreeMap<>();
    service
        .streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              String client = name.tags().getOrDefault("client-id", "");
              boolean main =
                  client.endsWith("-consumer")
                      && !client.contains("restore")
                      && !client.contains("global");
              if (!(metric.metricValue() instanceof Number n) || Double.isNaN(n.doubleValue())) {
                return;
              }
              if (main
                  && name.group().equals("consumer-fetch-manager-metrics")
                  && !name.tags().containsKey("topic")
                  && List.of("fetch-rate", "records-per-request-avg").contains(name.name())) {
                m.merge("streams consumer " + name.name(), n.doubleValue(), Double::sum);
              }
              if (client.endsWith("-producer")
                  && name.group().equals("producer-metrics")
                  && List.of("request-rate", "records-per-request-avg").contains(name.name())) {
                m.merge("streams producer " + name.name(), n.doubleValue(), Double::sum);
              }
            });
    frames
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("producer-metrics")
                  && name.name().equals("request-rate")
                  && metric.metricValue() instanceof Number n) {
                m.merge("frame producer request-rate", n.doubleValue(), Double::sum);
              }
            });
    return describe(m, "%.1f");
  }

  /** "name value, name value, ..." with each value in {@code format}. */
  private static String describe(Map<String, Double> metrics, String format) {
    return metrics.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, format, e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
