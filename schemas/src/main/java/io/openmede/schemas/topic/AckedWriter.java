package io.openmede.schemas.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes single records to one topic and waits for the broker's ack (acks=all, idempotent), so a
 * caller reports a change only once it is durable. A failure names the topic and asks whether Kafka
 * is reachable. Thread-safe (the producer is).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class AckedWriter<K, V> implements AutoCloseable {

  private static final Duration ACK_WAIT = Duration.ofSeconds(30);

  private final KafkaProducer<K, V> producer;
  private final Topic<K, V> topic;

  /**
   * @param clientId the producer's client id (shows in the broker's logs and quotas)
   */
  public AckedWriter(Map<String, Object> kafkaClientConfig, Topic<K, V> topic, String clientId) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("client.id", clientId);
    SizeLimitedSerializers<K, V> serializers = SizeLimitedSerializers.of(topic);
    this.producer = new KafkaProducer<>(config, serializers.keys(), serializers.values());
    this.topic = topic;
  }

  /** The topic written to. */
  public Topic<K, V> topic() {
    return topic;
  }

  /**
   * Sends one record (a null value is a tombstone) and waits for its ack.
   *
   * @return where it landed
   * @throws IllegalStateException when the broker did not take it in time
   */
  public RecordMetadata send(K key, V value) {
    try {
      return producer
          .send(new ProducerRecord<>(topic.name(), key, value))
          .get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not publish to "
              + topic.name()
              + ": "
              + (e.getCause() == null ? e : e.getCause()).getMessage()
              + "; is Kafka reachable?",
          e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
