package io.openmede.ingest.produce;

import io.openmede.schemas.avro.LabeledClip;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;

/**
 * Sends {@link LabeledClip} records keyed by clip id to the labeled-clips topic through an injected
 * producer. Thread-safe; {@link #close()} flushes and closes the producer.
 */
public final class ClipProducer extends KafkaSender<LabeledClip> {

  public ClipProducer(Producer<String, LabeledClip> producer, String topic, IngestMetrics metrics) {
    super(producer, topic, metrics);
  }

  /** Same settings as {@link FrameProducer#producerConfig(String, int)}. */
  public static Map<String, Object> producerConfig(String bootstrapServers, int maxMessageBytes) {
    return config(bootstrapServers, maxMessageBytes);
  }

  /** Sends a clip (blocks while the producer's buffer is full). */
  public void send(LabeledClip clip) {
    long bytes = 0;
    for (java.nio.ByteBuffer b : clip.getFrames()) {
      bytes += b.remaining();
    }
    send(clip.getClipId(), clip, clip.getFrames().size(), bytes);
    metrics.clips.incrementAndGet();
  }
}
