package io.openmede.web;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes vocabulary changes made on the page: an entry to add or change a label, a tombstone to
 * remove it. Thread-safe (the Kafka producer is). Each call waits for the broker's ack, so the page
 * reports a change only once it is durable.
 */
public final class VocabularyWriter implements AutoCloseable {

  private final KafkaProducer<String, VocabularyEntry> producer;
  private final Topic<String, VocabularyEntry> topic;

  public VocabularyWriter(
      Map<String, Object> kafkaClientConfig, Topic<String, VocabularyEntry> topic) {
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("client.id", "openmede-live-page-vocabulary");
    this.producer =
        new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  /**
   * Adds or replaces a label.
   *
   * @param prompts templates with {@code {}} where the label goes; empty for the default set
   * @throws IllegalArgumentException for a blank or over-long label or a template without {@code
   *     {}}
   */
  public VocabularyEntry add(String label, List<String> prompts) {
    String clean = checkLabel(label);
    io.openmede.schemas.vocabulary.VocabularyRules.checkPrompts(prompts);
    VocabularyEntry e =
        VocabularyEntry.newBuilder()
            .setLabel(clean)
            .setPrompts(List.copyOf(prompts))
            .setEnabled(true)
            .setUpdatedAt(Instant.now())
            .build();
    send(new ProducerRecord<>(topic.name(), clean, e));
    return e;
  }

  /** Removes a label (a tombstone on the compacted topic). */
  public void remove(String label) {
    send(new ProducerRecord<>(topic.name(), checkLabel(label), null));
  }

  static String checkLabel(String label) {
    return io.openmede.schemas.vocabulary.VocabularyRules.cleanLabel(label);
  }

  private void send(ProducerRecord<String, VocabularyEntry> r) {
    try {
      producer.send(r).get(30, TimeUnit.SECONDS);
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
