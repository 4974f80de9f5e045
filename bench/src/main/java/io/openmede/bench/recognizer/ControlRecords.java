package io.openmede.bench.recognizer;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The vocabulary entries the benchmarks send the recognizer, through a producer of their own that
 * is closed when they are flushed (the paced phase's checkpoint announcements: {@link Announcer}).
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
}
