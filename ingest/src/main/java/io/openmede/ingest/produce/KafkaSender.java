package io.openmede.ingest.produce;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends keyed records to one topic, counting acknowledgements and failures. Thread-safe. */
abstract class KafkaSender<V> implements AutoCloseable {
  private final Producer<String, V> producer;
  private final String topic;
  protected final IngestMetrics metrics;
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

  KafkaSender(Producer<String, V> producer, String topic, IngestMetrics metrics) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Producer settings for ingestion: idempotent, {@code acks=all}, lz4 compression, a short linger
   * to fill batches, and a request size that fits the largest record.
   *
   * @param bootstrapServers Kafka's bootstrap servers
   * @param maxMessageBytes the largest record value the ingestion produces
   */
  static Map<String, Object> config(String bootstrapServers, int maxMessageBytes) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    c.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(Math.max(1024 * 1024, maxMessageBytes + 64 * 1024)));
    return c;
  }

  /** Sends; blocks when the producer's buffer is full (that is the back-pressure). */
  void send(String key, V value, long frames, long bytes) {
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, exception) -> {
          if (exception == null) {
            metrics.recordsAcked.incrementAndGet();
          } else {
            metrics.errors.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
          }
        });
    metrics.framesSent.addAndGet(frames);
    metrics.bytesSent.addAndGet(bytes);
  }

  /** Waits until every record sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  /** The first send that failed, if any. */
  public java.util.Optional<Exception> firstFailure() {
    return java.util.Optional.ofNullable(firstFailure.get());
  }

  public String topic() {
    return topic;
  }

  /** Flushes and closes the producer. */
  @Override
  public void close() {
    try {
      producer.flush();
    } finally {
      producer.close();
    }
  }
}
