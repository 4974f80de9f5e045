package io.openmede.ingest.feedback;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the frames of one window back from the frames topic: the stream's partition (as the
 * producer's partitioner puts its key), from a little before the window's capture time (or the
 * partition's start when it is not known), forward until every frame of the range is there, a later
 * batch of the stream shows up, or the end as it was at the start. Bounded in bytes and time.
 */
final class WindowFrames {

  /** How far before the window's first capture time reading starts (producer timestamps lag). */
  static final Duration LEAD = Duration.ofSeconds(30);

  /** The most record bytes read for one window. */
  static final long MAX_BYTES = 256L * 1024 * 1024;

  /** The frames of a window: exactly those of the range, in order. */
  public record Found(int width, int height, FrameEncoding encoding, List<byte[]> frames) {}

  /** Why the frames of a window cannot be had. */
  public static final class Missing extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    Missing(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    /** A short reason: expired, unknown-stream, incomplete, mixed. */
    public String reason() {
      return reason;
    }
  }

  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final Deserializer<FrameBatch> values;

  public WindowFrames(
      Map<String, Object> consumerConfig, String topic, Deserializer<FrameBatch> values) {
    this.consumerConfig = new java.util.HashMap<>(consumerConfig);
    this.consumerConfig.remove("group.id");
    this.consumerConfig.put("isolation.level", "read_committed");
    this.consumerConfig.put("enable.auto.commit", false);
    this.consumerConfig.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
    this.topic = topic;
    this.values = values;
  }

  /**
   * The frames {@code first..last} of {@code stream}.
   *
   * @param near the capture time of the first frame, when known
   * @throws Missing when they are not all on the topic, with the reason
   */
  public Found read(String stream, long first, long last, Optional<Instant> near) throws Missing {
    byte[] key = stream.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(30));
      TopicPartition tp =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % parts.size());
      c.assign(List.of(tp));
      long begin = c.beginningOffsets(List.of(tp)).get(tp);
      long end = c.endOffsets(List.of(tp)).get(tp);
      long start = begin;
      if (near.isPresent()) {
        OffsetAndTimestamp at =
            c.offsetsForTimes(Map.of(tp, near.get().minus(LEAD).toEpochMilli())).get(tp);
        start = at == null ? end : Math.max(begin, at.offset());
      }
      c.seek(tp, start);
      TreeMap<Long, byte[]> got = new TreeMap<>();
      long earliestSeen = Long.MAX_VALUE;
      Integer width = null;
      Integer height = null;
      FrameEncoding encoding = null;
      long bytes = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean past = false;
      while (!past && c.position(tp) < end && bytes < MAX_BYTES && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          bytes += Math.max(0, r.serializedValueSize());
          if (r.offset() >= end || r.key() == null || !Arrays.equals(r.key(), key)) {
            continue;
          }
          FrameBatch b;
          try {
            b = values.deserialize(topic, r.value());
          } catch (RuntimeException e) {
            continue; // a bad batch: the recognizers dead-letter it
          }
          for (Frame f : b.getFrames()) {
            earliestSeen = Math.min(earliestSeen, f.getSequence());
            if (f.getSequence() > last) {
              past = true;
            } else if (f.getSequence() >= first) {
              if (width != null
                  && (width != b.getWidth()
                      || height != b.getHeight()
                      || encoding != b.getEncoding())) {
                throw new Missing(
                    "mixed",
                    "the frames of " + stream + " change size or encoding within the range");
              }
              width = b.getWidth();
              height = b.getHeight();
              encoding = b.getEncoding();
              got.put(f.getSequence(), bytes(f.getData()));
            }
          }
        }
      }
      long wanted = last - first + 1;
      if (got.size() == wanted) {
        return new Found(width, height, encoding, List.copyOf(got.values()));
      }
      if (earliestSeen == Long.MAX_VALUE) {
        throw new Missing(
            "unknown-stream",
            "no frame batch of stream "
                + stream
                + " is on "
                + topic
                + (near.isPresent() ? " from " + near.get().minus(LEAD) + " on" : "")
                + ": an unknown stream, or its frames are gone");
      }
      if (earliestSeen > first) {
        throw new Missing(
            "expired",
            "frames "
                + first
                + "-"
                + last
                + " of "
                + stream
                + " are no longer on "
                + topic
                + " (its oldest frame there is "
                + earliestSeen
                + "): the topic keeps frames for its retention.ms; raise it (kafka-configs"
                + " --alter --entity-type topics --entity-name "
                + topic
                + " --add-config retention.ms=...) to correct older windows");
      }
      throw new Missing(
          "incomplete",
          "only "
              + got.size()
              + " of the "
              + wanted
              + " frames "
              + first
              + "-"
              + last
              + " of "
              + stream
              + " are on "
              + topic
              + " (frames dropped at ingest, or the window is still being written)");
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
