package io.openmede.ingest.produce;

import io.openmede.ingest.frame.FrameBatcher;
import io.openmede.schemas.avro.FrameBatch;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/**
 * Sends {@link FrameBatch} records keyed by stream id to the frames topic through an injected
 * producer (configured with {@link #producerConfig(String, int)} and the frames topic's serdes).
 * Thread-safe; {@link #close()} flushes and closes the producer.
 */
public final class FrameProducer extends KafkaSender<FrameBatch> {

  public FrameProducer(Producer<String, FrameBatch> producer, String topic, IngestMetrics metrics) {
    super(producer, topic, metrics);
  }

  /**
   * Idempotent, {@code acks=all}, lz4-compressed producer settings with room for records of {@code
   * maxMessageBytes}; add serializers when creating the producer.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers, int maxMessageBytes) {
    return config(bootstrapServers, maxMessageBytes);
  }

  /** Sends a batch (blocks while the producer's buffer is full). */
  public void send(FrameBatch batch) {
    send(batch.getStreamId(), batch, batch.getFrames().size(), FrameBatcher.messageBytes(batch));
    metrics.batchesSent.incrementAndGet();
  }
}
