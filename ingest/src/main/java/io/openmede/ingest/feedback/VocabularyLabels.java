package io.openmede.ingest.feedback;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.values.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labels on the vocabulary topic, read to its end before each question, so the labeler adds a
 * label asked for by feedback only when it is not there. An entry the recognizers would refuse, or
 * one that cannot be read, changes nothing (as in the recognizers); a tombstone removes the label;
 * a disabled entry counts as there (someone turned it off on purpose). Not thread-safe.
 */
final class VocabularyLabels implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VocabularyLabels.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Topic<String, VocabularyEntry> topic;
  private final Set<String> labels = new HashSet<>();
  private boolean assigned;

  VocabularyLabels(Map<String, Object> consumerConfig, Topic<String, VocabularyEntry> topic) {
    Map<String, Object> c = new HashMap<>(consumerConfig);
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", false);
    c.remove("group.id");
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
  }

  /** Whether {@code label} (cleaned) is in the vocabulary now. */
  boolean contains(String label) {
    readToEnd();
    return labels.contains(label);
  }

  /** Remembers a label just added (before it is read back). */
  void added(String label) {
    labels.add(label);
  }

  private void readToEnd() {
    if (!assigned) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic.name(), p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      assigned = true;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + topic.name() + " to its end in 30 s; is Kafka reachable?");
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        apply(r);
      }
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      return;
    }
    String label = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      labels.remove(label);
      return;
    }
    try {
      VocabularyEntry e =
          topic.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
      if (e != null && Labels.entryRefusal(label, e).isEmpty()) {
        labels.add(label);
      }
    } catch (RuntimeException e) {
      LOG.debug("vocabulary record {}@{} unreadable: {}", r.partition(), r.offset(), e.toString());
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
