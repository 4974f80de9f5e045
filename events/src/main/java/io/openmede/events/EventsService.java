package io.openmede.events;

import io.openmede.platform.health.Health;
import io.openmede.platform.health.ServiceEndpoint;
import io.openmede.platform.health.StreamsHealth;
import io.openmede.platform.health.ThreadFailurePolicy;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events service: the {@link EventsTopology} under exactly-once, its metrics and health.
 * Lifecycle: {@link #start}, then {@link #close()}.
 */
public final class EventsService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventsService.class);

  /** Stream-thread failures within a minute that are replaced before the client stops. */
  static final int MAX_THREAD_REPLACEMENTS = 5;

  private final KafkaStreams streams;
  private final KafkaRefusedRecords letters;
  private final WebhookDelivery webhooks;
  private final Optional<ServiceEndpoint> http;
  private final EventsMetrics metrics;
  private final Health health;
  private final AutoCloseable watch;
  private volatile boolean closed;

  private EventsService(
      KafkaStreams streams,
      KafkaRefusedRecords letters,
      WebhookDelivery webhooks,
      Optional<ServiceEndpoint> http,
      EventsMetrics metrics,
      Health health) {
    this.webhooks = webhooks;
    this.streams = streams;
    this.letters = letters;
    this.http = http;
    this.metrics = metrics;
    this.health = health;
    health.register(
        "streams", () -> StreamsHealth.report(streams.state(), closed, "no event is produced"));
    health.register(
        "webhooks",
        () ->
            !webhooks.stopped() || closed
                ? Health.Report.ready()
                : Health.Report.dead("the webhook delivery thread stopped (see the log)"));
    this.watch = health.watch(Duration.ofSeconds(1));
  }

  /**
   * Starts the service.
   *
   * @param streamsOverrides extra Kafka Streams properties (tests); they win over derived ones
   */
  public static EventsService start(
      Cluster cluster, EventsSettings settings, Map<String, Object> streamsOverrides)
      throws IOException {
    EventsMetrics metrics = new EventsMetrics();
    KafkaRefusedRecords letters =
        new KafkaRefusedRecords(cluster.clientConfig(), cluster.topics().deadLetters(), "events");
    Properties props = new Properties();
    props.putAll(cluster.clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    props.putAll(streamsOverrides);
    KafkaStreams streams =
        new KafkaStreams(
            EventsTopology.build(cluster.topics(), metrics, letters, Clock.systemUTC()), props);
    ThreadFailurePolicy failures =
        new ThreadFailurePolicy(
            "events",
            MAX_THREAD_REPLACEMENTS,
            Duration.ofMinutes(1),
            3,
            () -> (long) metrics.recognitions.get(),
            "recognition");
    streams.setUncaughtExceptionHandler(StreamsHealth.handler(failures));
    Health health = new Health("events");
    Optional<ServiceEndpoint> http = Optional.empty();
    if (settings.metricsPort() > 0) {
      try {
        http =
            Optional.of(
                ServiceEndpoint.start(
                    "0.0.0.0", settings.metricsPort(), health, List.of(metrics.registry())));
      } catch (IOException e) {
        letters.close();
        throw e;
      }
    }
    Map<String, Object> cc =
        WebhookDelivery.consumerConfig(
            cluster.consumerConfig(settings.applicationId() + "-webhooks"));
    WebhookDelivery webhooks =
        new WebhookDelivery(
            new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
            cluster.topics().events().valueSerde().deserializer(),
            cluster.topics().events().name(),
            new WebhookSink(
                settings.webhookHosts(),
                new WebhookSink.Policy(
                    settings.webhookAttempts(),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    settings.webhookTimeout()),
                letters),
            name -> rule(streams, name),
            metrics);
    EventsService service = new EventsService(streams, letters, webhooks, http, metrics, health);
    streams.start();
    webhooks.start();
    LOG.info(
        "events service {} started: recognitions from {}, rules from {}, events to {}",
        settings.applicationId(),
        cluster.topics().recognitions().name(),
        cluster.topics().rules().name(),
        cluster.topics().events().name());
    return service;
  }

  /** The current rule of that name, from the global rules store (empty while it is not ready). */
  private static Optional<AlertRule> rule(KafkaStreams streams, String name) {
    try {
      ReadOnlyKeyValueStore<String, AlertRule> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  EventsTopology.RULES_STORE,
                  QueryableStoreTypes.<String, AlertRule>keyValueStore()));
      return Optional.ofNullable(store.get(name));
    } catch (RuntimeException e) {
      LOG.warn(
          "the rules store cannot be read now ({}); the event's webhooks are skipped",
          e.toString());
      return Optional.empty();
    }
  }

  /** The service's health (streams). */
  public Health health() {
    return health;
  }

  /** The service's metrics. */
  public EventsMetrics metrics() {
    return metrics;
  }

  /** Waits until Kafka Streams runs; false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return StreamsHealth.awaitRunning(streams, timeout);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("stopping the health watch", e);
    }
    webhooks.close();
    streams.close(Duration.ofSeconds(30));
    letters.close();
    http.ifPresent(ServiceEndpoint::close);
    LOG.info("events service stopped");
  }
}
