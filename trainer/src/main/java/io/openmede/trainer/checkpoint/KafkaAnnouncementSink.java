package io.openmede.trainer.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.topic.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends announcements to the compacted checkpoints topic, keyed by model name; waits for acks. */
public final class KafkaAnnouncementSink implements AnnouncementSink, AutoCloseable {

  private final KafkaProducer<String, CheckpointAnnouncement> producer;
  private final Topic<String, CheckpointAnnouncement> topic;

  /** A sink producing to {@code topic}. */
  public KafkaAnnouncementSink(
      Map<String, Object> clientConfig, Topic<String, CheckpointAnnouncement> topic) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(c, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  @Override
  public void send(CheckpointAnnouncement a) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), key(a), a)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while announcing " + a.getVersion(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not announce checkpoint " + a.getVersion() + ": " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }

  /**
   * The record key: the model name, except for a held-back candidate, keyed apart ({@code
   * NAME#held-back}) so that on the compacted topic it never displaces the model line's current
   * promoted checkpoint, which a recognizer that starts later must still find.
   */
  public static String key(CheckpointAnnouncement a) {
    return a.getStatus() == io.openmede.schemas.avro.CheckpointStatus.HELD_BACK
            && a.getOperator() == null
        ? a.getModelName() + "#held-back"
        : a.getModelName();
  }
}
