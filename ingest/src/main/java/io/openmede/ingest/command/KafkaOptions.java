package io.openmede.ingest.command;

import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.ConnectionSettings;
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
          "Serve Prometheus metrics on this port while ingesting; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  /** Serves {@code metrics} on --metrics-port until the command ends (nothing for 0). */
  void serveMetrics(io.openmede.ingest.produce.IngestMetrics metrics) throws java.io.IOException {
    if (metricsPort <= 0) {
      return;
    }
    io.prometheus.metrics.model.registry.PrometheusRegistry registry =
        new io.prometheus.metrics.model.registry.PrometheusRegistry();
    metrics.register(registry);
    // the server's threads are daemons: the endpoint ends with the command
    io.prometheus.metrics.exporter.httpserver.HTTPServer.builder()
        .port(metricsPort)
        .registry(registry)
        .buildAndStart();
    System.err.println("metrics on http://0.0.0.0:" + metricsPort + "/metrics");
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
