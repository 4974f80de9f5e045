package io.openmede.events.clips;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Reads the frames of one stream captured in a span of time back from the frames topic, as the
 * labeler does for a window: the stream's partition (as the producer's partitioner puts its key),
 * from a little before the span (producer timestamps lag capture), forward until a frame captured
 * after the span shows up or a wait runs out (the post-roll may not be written yet). Bounded in
 * frames, bytes and time. Not thread-safe: one reader per thread (it opens a consumer per read).
 */
final class EpisodeFrames {

  /** How far before the span reading starts (the record timestamps lag the capture times). */
  static final Duration LEAD = Duration.ofSeconds(30);

  /** The most record bytes read for one clip. */
  static final long MAX_BYTES = 1024L * 1024 * 1024;

  /** One frame with its place in the stream. */
  record TimedFrame(long sequence, Instant captureTime, byte[] data) {}

  /**
   * The frames found, in sequence order, all of one size and encoding.
   *
   * @param skipped frames of the span in another size or encoding than the first (left out)
   */
  record Found(
      int width, int height, FrameEncoding encoding, List<TimedFrame> frames, int skipped) {}

  private final Map<String, Object> consumerConfig;
  private final String topic;
  private final Deserializer<FrameBatch> values;

  EpisodeFrames(Map<String, Object> consumerConfig, String topic, Deserializer<FrameBatch> values) {
    this.consumerConfig = new HashMap<>(consumerConfig);
    this.consumerConfig.remove("group.id");
    this.consumerConfig.put("isolation.level", "read_committed");
    this.consumerConfig.put("enable.auto.commit", false);
    this.consumerConfig.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
    this.topic = topic;
    this.values = values;
  }

  /**
   * The frames of {@code stream} captured from {@code from} to {@code to}, inclusive, at most
   * {@code maxFrames} (the first ones).
   *
   * @param wait how long to wait for frames after {@code to} to show that the span is complete
   * @return what is on the topic; empty frames when none is
   */
  Found read(String stream, Instant from, Instant to, int maxFrames, Duration wait) {
    byte[] key = stream.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(30));
      TopicPartition tp =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % parts.size());
      c.assign(List.of(tp));
      long begin = c.beginningOffsets(List.of(tp)).get(tp);
      OffsetAndTimestamp at =
          c.offsetsForTimes(Map.of(tp, Math.max(0, from.minus(LEAD).toEpochMilli()))).get(tp);
      long start = at == null ? c.endOffsets(List.of(tp)).get(tp) : Math.max(begin, at.offset());
      c.seek(tp, start);
      TreeMap<Long, TimedFrame> got = new TreeMap<>();
      Integer width = null;
      Integer height = null;
      FrameEncoding encoding = null;
      int skipped = 0;
      long bytes = 0;
      long deadline = System.nanoTime() + wait.toNanos();
      boolean past = false;
      while (!past && bytes < MAX_BYTES && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          bytes += Math.max(0, r.serializedValueSize());
          if (r.key() == null || !Arrays.equals(r.key(), key)) {
            continue;
          }
          FrameBatch b;
          try {
            b = values.deserialize(topic, r.value());
          } catch (RuntimeException e) {
            continue; // a bad batch: the recognizers dead-letter it
          }
          if (b == null) {
            continue;
          }
          for (Frame f : b.getFrames()) {
            Instant t = f.getCaptureTime();
            if (t.isAfter(to)) {
              past = true;
            } else if (!t.isBefore(from) && got.size() < maxFrames) {
              if (width == null) {
                width = b.getWidth();
                height = b.getHeight();
                encoding = b.getEncoding();
              }
              if (width != b.getWidth() || height != b.getHeight() || encoding != b.getEncoding()) {
                skipped++;
                continue;
              }
              byte[] data = new byte[f.getData().remaining()];
              ByteBuffer d = f.getData().duplicate();
              d.get(data);
              got.putIfAbsent(f.getSequence(), new TimedFrame(f.getSequence(), t, data));
            } else if (got.size() >= maxFrames) {
              past = true;
            }
          }
        }
      }
      return new Found(
          width == null ? 0 : width,
          height == null ? 0 : height,
          encoding,
          List.copyOf(got.values()),
          skipped);
    }
  }
}
