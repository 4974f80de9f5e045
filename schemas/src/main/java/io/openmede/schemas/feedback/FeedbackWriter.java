package io.openmede.schemas.feedback;

import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.topic.AckedWriter;
import io.openmede.schemas.topic.Topic;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends feedback records (keyed by stream id) and waits for each ack. Used by {@code openmede
 * feedback} and the live page. Thread-safe.
 */
public final class FeedbackWriter implements AutoCloseable {

  private final AckedWriter<String, Feedback> writer;

  public FeedbackWriter(
      Map<String, Object> kafkaClientConfig, Topic<String, Feedback> topic, String clientId) {
    this.writer = new AckedWriter<>(kafkaClientConfig, topic, clientId);
  }

  /** Sends {@code f} (built by {@link FeedbackRecords#build}); returns where it landed. */
  public RecordMetadata send(Feedback f) {
    return writer.send(f.getStreamId(), f);
  }

  @Override
  public void close() {
    writer.close();
  }
}
