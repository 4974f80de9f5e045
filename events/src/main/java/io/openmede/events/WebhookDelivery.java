package io.openmede.events;

import io.openmede.platform.health.Health;
import io.openmede.platform.service.ConsumerThread;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed events with a consumer group of its own and hands each to the {@link
 * WebhookSink}; offsets are committed only after the events of a poll were delivered or given up,
 * so a crash delivers again (at least once; the idempotency key lets receivers drop repeats). Runs
 * on a {@link ConsumerThread}: a failing poll is retried after a pause.
 */
final class WebhookDelivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  private final Deserializer<Event> values;
  private final String topic;
  private final WebhookSink sink;
  private final Function<String, Optional<AlertRule>> rules;
  private final EventsMetrics metrics;
  private final ConsumerThread<byte[], byte[]> thread;

  WebhookDelivery(
      Consumer<byte[], byte[]> consumer,
      Deserializer<Event> values,
      String topic,
      WebhookSink sink,
      Function<String, Optional<AlertRule>> rules,
      EventsMetrics metrics) {
    this.values = values;
    this.topic = topic;
    this.sink = sink;
    this.rules = rules;
    this.metrics = metrics;
    this.thread =
        new ConsumerThread<>(
            "webhook-delivery",
            consumer,
            Duration.ofSeconds(2),
            ", reading " + topic,
            () -> consumer.subscribe(List.of(topic)),
            this::deliver);
  }

  void start() {
    thread.start();
  }

  /** Whether the thread has ended (false before start and while it runs). */
  boolean stopped() {
    return thread.stopped();
  }

  /** Ready while the delivery thread runs, dead with {@code deadReason} once it ended by itself. */
  Health.Report report(String deadReason) {
    return thread.report(deadReason);
  }

  private void deliver(Consumer<byte[], byte[]> consumer) {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
    for (ConsumerRecord<byte[], byte[]> r : records) {
      Event e;
      try {
        e = values.deserialize(r.topic(), r.value());
      } catch (RuntimeException ex) {
        LOG.warn(
            "skipped the event record at {}-{}@{}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            ex.getMessage());
        continue;
      }
      for (WebhookSink.Outcome o :
          sink.deliver(
              e,
              rules,
              new WebhookSink.SourceRecord(
                  r.topic(), r.partition(), r.offset(), r.key(), r.value()))) {
        metrics.webhooks.labelValues(o.delivered() ? "delivered" : "failed").inc();
      }
    }
    if (!records.isEmpty()) {
      consumer.commitSync(Duration.ofSeconds(30));
    }
  }

  /** Stops delivering: wakes the consumer, joins the thread, closes the consumer. */
  @Override
  public void close() {
    thread.close();
  }

  static Map<String, Object> consumerConfig(Map<String, Object> base) {
    base.put("isolation.level", "read_committed");
    base.put("enable.auto.commit", false);
    base.put("auto.offset.reset", "earliest");
    return base;
  }
}
