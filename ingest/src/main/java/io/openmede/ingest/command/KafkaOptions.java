package io.openmede.ingest.command;

import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where records go: Kafka and the schema registry, from flags, settings file or environment. */
final class KafkaOptions {
  @Mixin ConfigOptions config;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT,...",
      description = "Kafka bootstrap servers; overrides the setting kafka.bootstrap.servers.")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description = "Schema registry URL (Confluent REST API).")
  String registryUrl;

  @Option(
      names = "--max-message-bytes",
      paramLabel = "BYTES",
      defaultValue = "1048576",
      description =
          "Largest record value to produce; batches are split below it (default:"
              + " ${DEFAULT-VALUE}).")
  int maxMessageBytes;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description =
          "Serve Prometheus /metrics and /health/live, /health/ready on this port while"
              + " ingesting; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  /**
   * Serves {@code metrics} and the command's health on --metrics-port until the command ends
   * (nothing for 0): live while the command runs, ready while no record failed to be delivered in
   * the last check.
   */
  void serveMetrics(io.openmede.ingest.produce.IngestMetrics metrics) throws java.io.IOException {
    if (metricsPort <= 0) {
      return;
    }
    io.prometheus.metrics.model.registry.PrometheusRegistry registry =
        new io.prometheus.metrics.model.registry.PrometheusRegistry();
    metrics.register(registry);
    long[] lastErrors = {0};
    io.openmede.platform.health.Health health =
        new io.openmede.platform.health.Health("ingest")
            .register(
                "delivery",
                () -> {
                  long errors = metrics.snapshot().errors();
                  boolean fresh = errors > lastErrors[0];
                  lastErrors[0] = errors;
                  return fresh
                      ? io.openmede.platform.health.Health.Report.notReady(
                          errors + " frames or batches failed so far (see the log)")
                      : io.openmede.platform.health.Health.Report.ready();
                });
    // the endpoint's threads are daemons: it ends with the command
    io.openmede.platform.health.ServiceEndpoint.start(
        "0.0.0.0", metricsPort, health, java.util.List.of(registry));
    System.err.println(
        "metrics on http://0.0.0.0:"
            + metricsPort
            + "/metrics, health on /health/live, /health/ready");
  }

  /**
   * The cluster from settings, with the flags above taking precedence; creates missing topics
   * unless the setting topics.create is false.
   */
  Cluster cluster() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (bootstrapServers != null) {
      flags.put(ConnectionSettings.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    }
    if (registryUrl != null) {
      flags.put(ConnectionSettings.REGISTRY_URL.name(), registryUrl);
    }
    Settings settings = config.resolve(Cluster.GROUPS, flags);
    Cluster cluster = Cluster.from(settings);
    if (settings.get(Cluster.CREATE_TOPICS)) {
      cluster.ensureTopics();
    }
    return cluster;
  }

  /** Producer properties: the cluster's client settings plus idempotent, acks=all, lz4. */
  Map<String, Object> producerConfig(Cluster cluster, String clientId) {
    Map<String, Object> c = cluster.producerConfig(clientId);
    Map<String, Object> ours =
        io.openmede.ingest.produce.FrameProducer.producerConfig(
            cluster.connection().bootstrapServers(), maxMessageBytes);
    ours.remove("bootstrap.servers");
    c.putAll(ours);
    return c;
  }
}
