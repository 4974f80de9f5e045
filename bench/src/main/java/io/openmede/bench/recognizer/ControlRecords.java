package io.openmede.bench.recognizer;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The control records the benchmarks send the recognizer: vocabulary entries and checkpoint
 * announcements, each through a producer of its own that is closed when the record is acknowledged
 * (or, for the vocabulary, flushed).
 */
public final class ControlRecords {

  private ControlRecords() {}

  /** Publishes one enabled entry without prompt templates per label. */
  public static void publishVocabulary(Cluster cluster, List<String> labels) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("bench-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      for (String l : labels) {
        p.send(
            new ProducerRecord<>(
                cluster.topics().vocabulary().name(),
                l,
                new VocabularyEntry(l, List.of(), true, Instant.now())));
      }
      p.flush();
    }
  }

  /** Sends {@code a}, keyed by its model name, and waits for the broker's acknowledgement. */
  static void announce(Cluster cluster, CheckpointAnnouncement a) throws Exception {
    try (KafkaProducer<String, CheckpointAnnouncement> p =
        new KafkaProducer<>(
            cluster.producerConfig("bench-ckpt"),
            new StringSerializer(),
            cluster.topics().checkpoints().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().checkpoints().name(), a.getModelName(), a))
          .get();
    }
  }
}
