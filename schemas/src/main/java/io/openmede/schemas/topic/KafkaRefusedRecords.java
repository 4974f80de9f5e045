package io.openmede.schemas.topic;

import io.openmede.schemas.avro.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends refusals to the dead-letter topic with a producer of its own (not the stream threads'
 * transactional ones: the global store and the follower are outside any transaction). Sends are
 * asynchronous; a failed send is logged. A record refused again after a restart (the global store
 * and the follower read their topics from the start) is dead-lettered again, with the same source
 * topic, partition and offset, by which a reader can tell the repeat.
 */
public final class KafkaRefusedRecords implements RefusedRecords, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRefusedRecords.class);

  /** The most original bytes kept in a dead letter (key and value each); the rest is cut. */
  static final int MAX_KEPT_BYTES = 256 * 1024;

  private final KafkaProducer<byte[], DeadLetter> producer;
  private final Topic<byte[], DeadLetter> topic;
  private final String service;

  /**
   * @param service the refusing service, as dead letters name it (recognizer, events, ...)
   */
  public KafkaRefusedRecords(
      Map<String, Object> clientConfig, Topic<byte[], DeadLetter> topic, String service) {
    this.service = service;
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    SizeLimitedSerializers<byte[], DeadLetter> serializers = SizeLimitedSerializers.of(topic);
    this.producer = new KafkaProducer<>(c, serializers.keys(), serializers.values());
    this.topic = topic;
  }

  @Override
  public void refuse(
      String sourceTopic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      String why) {
    try {
      DeadLetter letter =
          DeadLetterRecords.of(
              new DeadLetterRecords.Source(
                  sourceTopic,
                  OptionalInt.of(partition),
                  OptionalLong.of(offset),
                  cut(key),
                  cut(value)),
              new RefusedException("refused (" + reason + "): " + why),
              service,
              java.time.Instant.now());
      producer.send(
          DeadLetterRecords.toRecord(topic, letter),
          (meta, e) -> {
            if (e != null) {
              LOG.warn(
                  "could not dead-letter the refused record {}-{}@{} to {}: {}",
                  sourceTopic,
                  partition,
                  offset,
                  topic.name(),
                  e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.warn(
          "could not dead-letter the refused record {}-{}@{}: {}",
          sourceTopic,
          partition,
          offset,
          e.toString());
    }
  }

  /** The failure a dead letter names for a refusal. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message, null, false, false);
    }
  }

  private static byte[] cut(byte[] b) {
    if (b == null || b.length <= MAX_KEPT_BYTES) {
      return b;
    }
    return java.util.Arrays.copyOf(b, MAX_KEPT_BYTES);
  }

  /** Blocks until the refusals sent so far were acknowledged or failed (and were logged). */
  @Override
  public void flush() {
    try {
      producer.flush();
    } catch (RuntimeException e) {
      LOG.warn("could not flush the dead letters to {}: {}", topic.name(), e.toString());
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
