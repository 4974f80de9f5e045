package io.openmede.bench.recognizer;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.Cluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the paced phase's checkpoint announcements as a trainer that has announced before does:
 * through one producer, made and connected, with the announcement schema registered, before the
 * phase ({@link #open}). The load generator's own first producer and schema registration is then
 * not in the first swap's segment: that is cold code on the control thread, which shares the stream
 * thread's core, and the trainer's work, not the recognizer's. Used from one thread at a time.
 */
final class Announcer implements AutoCloseable {

  private final KafkaProducer<String, CheckpointAnnouncement> producer;
  private final String topic;
  private final long openCpuNanos;

  private Announcer(
      KafkaProducer<String, CheckpointAnnouncement> producer, String topic, long openCpuNanos) {
    this.producer = producer;
    this.topic = topic;
    this.openCpuNanos = openCpuNanos;
  }

  /**
   * A connected producer of announcements whose serializer has registered the schema by writing
   * {@code sample} once (the bytes are not sent).
   */
  static Announcer open(Cluster cluster, CheckpointAnnouncement sample) {
    long cpu0 = ThreadCpu.currentThreadCpuNanos();
    String topic = cluster.topics().checkpoints().name();
    Serializer<CheckpointAnnouncement> values =
        cluster.topics().checkpoints().valueSerde().serializer();
    KafkaProducer<String, CheckpointAnnouncement> producer =
        new KafkaProducer<>(cluster.producerConfig("bench-ckpt"), new StringSerializer(), values);
    try {
      producer.partitionsFor(topic);
      values.serialize(topic, sample);
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
    return new Announcer(producer, topic, ThreadCpu.currentThreadCpuNanos() - cpu0);
  }

  /** The CPU that {@link #open} took on its thread (ms). */
  double openCpuMs() {
    return openCpuNanos / 1e6;
  }

  /** Sends {@code a}, keyed by its model name, and waits for the broker's acknowledgement. */
  void announce(CheckpointAnnouncement a) throws Exception {
    producer.send(new ProducerRecord<>(topic, a.getModelName(), a)).get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
