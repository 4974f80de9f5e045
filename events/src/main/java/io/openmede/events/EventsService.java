package io.openmede.events;

import io.openmede.events.clips.ClipService;
import io.openmede.events.clips.ClipSettings;
import io.openmede.events.clips.DirectoryClipStore;
import io.openmede.platform.health.Health;
import io.openmede.platform.health.StreamsHealth;
import io.openmede.platform.health.ThreadFailurePolicy;
import io.openmede.platform.service.GroupSession;
import io.openmede.platform.service.Resources;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import io.openmede.schemas.topic.StreamsDeadLetters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
 * The events service: the {@link EventsTopology} under exactly-once, the webhook delivery, its
 * metrics and health. Lifecycle: {@link #start} (through the {@link ServiceSkeleton}), then {@link
 * #close()}.
 */
public final class EventsService implements RunningService {

  private static final Logger LOG = LoggerFactory.getLogger(EventsService.class);

  /** Stream-thread failures within a minute that are replaced before the client stops. */
  static final int MAX_THREAD_REPLACEMENTS = 5;

  private final KafkaStreams streams;
  private final EventsMetrics metrics;
  private final Health health;
  private final Resources opened;
  private volatile boolean closed;

  private EventsService(
      KafkaStreams streams, EventsMetrics metrics, Health health, Resources opened) {
    this.streams = streams;
    this.metrics = metrics;
    this.health = health;
    this.opened = opened;
  }

  /**
   * Starts the service.
   *
   * @param streamsOverrides extra Kafka Streams properties (tests); they win over derived ones
   */
  public static EventsService start(
      Cluster cluster, EventsSettings settings, Map<String, Object> streamsOverrides)
      throws IOException {
    return start(cluster, settings, Optional.empty(), EpisodeLimits.DEFAULT, streamsOverrides);
  }

  /**
   * Starts the service, with the clip maker when {@code clips} is given and enabled, and the
   * default limits.
   *
   * @param streamsOverrides extra Kafka Streams properties (tests); they win over derived ones
   */
  public static EventsService start(
      Cluster cluster,
      EventsSettings settings,
      Optional<ClipSettings> clips,
      Map<String, Object> streamsOverrides)
      throws IOException {
    return start(cluster, settings, clips, EpisodeLimits.DEFAULT, streamsOverrides);
  }

  /**
   * Starts the service, with the clip maker when {@code clips} is given and enabled.
   *
   * @param limits how far one recognition may move its stream's position, how many streams a task
   *     keeps
   * @param streamsOverrides extra Kafka Streams properties (tests); they win over derived ones
   */
  public static EventsService start(
      Cluster cluster,
      EventsSettings settings,
      Optional<ClipSettings> clips,
      EpisodeLimits limits,
      Map<String, Object> streamsOverrides)
      throws IOException {
    try (Resources opened = new Resources("events")) {
      EventsMetrics metrics = new EventsMetrics();
      Health health = new Health("events");
      cluster.waitForRegistry(health);
      ServiceSkeleton.endpoint(opened, settings.metricsPort(), health, metrics.registry());
      KafkaRefusedRecords letters =
          opened.add(
              new KafkaRefusedRecords(
                  cluster.clientConfig(), cluster.topics().deadLetters(), "events"));
      KafkaStreams streams =
          opened.add(
              new KafkaStreams(
                  EventsTopology.build(
                      cluster.topics(), metrics, letters, Clock.systemUTC(), limits),
                  streamsProperties(cluster, settings, metrics, streamsOverrides)),
              s -> s.close(Duration.ofSeconds(30)));
      streams.setUncaughtExceptionHandler(
          StreamsHealth.handler(
              new ThreadFailurePolicy(
                  "events",
                  MAX_THREAD_REPLACEMENTS,
                  Duration.ofMinutes(1),
                  3,
                  () -> (long) metrics.recognitions.get(),
                  "recognition")));
      WebhookSink sink =
          opened.add(
              new WebhookSink(
                  new io.openmede.events.rules.WebhookAddresses(
                      settings.webhookHosts(), settings.webhookPorts()),
                  new WebhookSink.Policy(
                      settings.webhookAttempts(),
                      Duration.ofSeconds(1),
                      Duration.ofSeconds(30),
                      settings.webhookTimeout()),
                  letters));
      WebhookDelivery webhooks =
          new WebhookDelivery(
              new KafkaConsumer<>(
                  WebhookDelivery.consumerConfig(
                      cluster.consumerConfig(settings.applicationId() + "-webhooks"),
                      settings.webhookInFlight()),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer()),
              cluster.topics().events().valueSerde().deserializer(),
              cluster.topics().events().name(),
              sink,
              name -> rule(streams, name),
              metrics,
              letters,
              settings.webhookInFlight());
      EventsService service = new EventsService(streams, metrics, health, opened.keep());
      health.register(
          "streams",
          () -> StreamsHealth.report(streams.state(), service.closed, "no event is produced"));
      health.register(
          "webhooks", () -> webhooks.report("the webhook delivery thread stopped (see the log)"));
      streams.start();
      service.opened.add(webhooks).start();
      if (clips.isPresent() && clips.get().enabled()) {
        ClipSettings c = clips.get();
        ClipService maker =
            service.opened.add(
                ClipService.create(
                    cluster, c, new DirectoryClipStore(c.dir(), c.maxBytes()), letters, metrics));
        maker.listen(
            (closed, made, from) ->
                rule(streams, closed.getRule())
                    .filter(AlertRule::getClipWebhook)
                    .filter(r -> !r.getWebhooks().isEmpty())
                    .ifPresent(
                        r ->
                            sink.deliverClipAsync(
                                    closed,
                                    ClipService.json(made, c),
                                    r,
                                    new WebhookSink.SourceRecord(
                                        from.topic(),
                                        from.partition(),
                                        from.offset(),
                                        from.key(),
                                        from.value()))
                                .thenAccept(
                                    outs ->
                                        outs.forEach(
                                            o ->
                                                metrics
                                                    .webhooks
                                                    .labelValues(
                                                        o.delivered() ? "delivered" : "failed")
                                                    .inc()))));
        health.register("clips", maker::report);
        maker.start();
      }
      ServiceSkeleton.watch(service.opened, health);
      // closed first: Kafka Streams begins to shut down (so that no stream thread is replaced),
      // then a thread waiting for an absent registry gives up at once, and the close goes on
      service.opened.add(
          () -> {
            streams.close(Duration.ZERO);
            cluster.stopWaitingForRegistry();
          });
      LOG.info(
          "events service {} started: recognitions from {}, rules from {}, events to {}",
          settings.applicationId(),
          cluster.topics().recognitions().name(),
          cluster.topics().rules().name(),
          cluster.topics().events().name());
      return service;
    }
  }

  private static Properties streamsProperties(
      Cluster cluster,
      EventsSettings settings,
      EventsMetrics metrics,
      Map<String, Object> overrides) {
    Properties props = new Properties();
    props.putAll(cluster.clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    props.putAll(
        GroupSession.streamsProperties(
            EventsSettings.SESSION_TIMEOUT.name(), settings.sessionTimeout()));
    Map<Object, Object> handlers = new HashMap<>();
    StreamsDeadLetters.configure(
        handlers, cluster.topics().deadLetters(), "events", metrics.deadLetters);
    props.putAll(handlers);
    props.putAll(overrides);
    return props;
  }

  /**
   * The current rule of that name, from the global rules store.
   *
   * @throws WebhookDelivery.RulesUnavailable while the store cannot be read (the event is read
   *     again later)
   */
  private static Optional<AlertRule> rule(KafkaStreams streams, String name) {
    try {
      ReadOnlyKeyValueStore<String, AlertRule> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  EventsTopology.RULES_STORE,
                  QueryableStoreTypes.<String, AlertRule>keyValueStore()));
      return Optional.ofNullable(store.get(name));
    } catch (RuntimeException e) {
      throw new WebhookDelivery.RulesUnavailable("the rules store cannot be read now (" + e + ")");
    }
  }

  /** The service's health (streams, webhook delivery). */
  @Override
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

  /**
   * Stops the health watch, the webhook delivery, Kafka Streams (committing the last transaction),
   * the dead-letter producer and the endpoint: what {@link #start} opened, in the reverse order.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    opened.close();
    LOG.info("events service stopped");
  }
}
