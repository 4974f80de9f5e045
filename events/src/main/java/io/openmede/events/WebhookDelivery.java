package io.openmede.events;

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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed events with a consumer group of its own and hands each to the {@link
 * WebhookSink}; offsets are committed only after the events of a poll were delivered or given up,
 * so a crash delivers again (at least once; the idempotency key lets receivers drop repeats). Runs
 * on its own thread; a failing poll is retried after a pause.
 */
final class WebhookDelivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  private final Consumer<byte[], byte[]> consumer;
  private final Deserializer<Event> values;
  private final String topic;
  private final WebhookSink sink;
  private final Function<String, Optional<AlertRule>> rules;
  private final EventsMetrics metrics;
  private final Thread thread;
  private volatile boolean running = true;

  WebhookDelivery(
      Consumer<byte[], byte[]> consumer,
      Deserializer<Event> values,
      String topic,
      WebhookSink sink,
      Function<String, Optional<AlertRule>> rules,
      EventsMetrics metrics) {
    this.consumer = consumer;
    this.values = values;
    this.topic = topic;
    this.sink = sink;
    this.rules = rules;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "webhook-delivery");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the thread has ended (false before start and while it runs). */
  boolean stopped() {
    return thread.getState() == Thread.State.TERMINATED;
  }

  private void run() {
    consumer.subscribe(List.of(topic));
    while (running) {
      try {
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
      } catch (WakeupException e) {
        if (running) {
          LOG.warn("webhook delivery woken up unexpectedly; going on");
        }
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        LOG.warn("webhook delivery: reading {} failed ({}); retrying in 2 s", topic, e.toString());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
  }

  static Map<String, Object> consumerConfig(Map<String, Object> base) {
    base.put("isolation.level", "read_committed");
    base.put("enable.auto.commit", false);
    base.put("auto.offset.reset", "earliest");
    return base;
  }
}
