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
 * producer's partitioner puts its key), from {@link #LEAD} before the window's capture time (or,
 * when it is not known, {@link #LOOKBACK} before the feedback was sent; never from the partition's
 * start), forward until every frame of the range is there, a later batch of the stream shows up,
 * the records are {@link #SPAN} past where the window began, or the end as it was at the start.
 * Bounded in bytes ({@link #MAX_BYTES}) and time ({@link #MAX_TIME}) per window, so that a burst of
 * feedback for unknown streams costs a bounded read each.
 *
 * <p>One consumer, opened at the first read and reused by every later one (reassigned to the
 * stream's partition); after a failure it is closed and the next read opens a new one. Not
 * thread-safe: the labeler's thread only. {@link #close()} closes the consumer.
 */
final class WindowFrames implements AutoCloseable {

  /** How far before the window's first capture time reading starts (producer timestamps lag). */
  static final Duration LEAD = Duration.ofSeconds(30);

  /** Without a capture time, how long before the feedback was sent reading starts. */
  static final Duration LOOKBACK = Duration.ofMinutes(10);

  /** How far past the window's capture time (or the feedback's sending) reading goes at most. */
  static final Duration SPAN = Duration.ofMinutes(5);

  /** The most record bytes read for one window. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  /** The longest one window's read may take. */
  static final Duration MAX_TIME = Duration.ofSeconds(15);

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
  private KafkaConsumer<byte[], byte[]> consumer;
  private long consumersOpened;
  private long recordsRead;

  public WindowFrames(
      Map<String, Object> consumerConfig, String topic, Deserializer<FrameBatch> values) {
    this.consumerConfig = new java.util.HashMap<>(consumerConfig);
    this.consumerConfig.remove("group.id");
    this.consumerConfig.put("isolation.level", "read_committed");
    this.consumerConfig.put("enable.auto.commit", false);
    this.consumerConfig.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
    // a read that starts before its window's records stops within its first poll
    this.consumerConfig.put("max.poll.records", 100);
    this.topic = topic;
    this.values = values;
  }

  /** How many consumers were opened so far (one unless reads failed). */
  long consumersOpened() {
    return consumersOpened;
  }

  /** How many records all reads so far went through. */
  long recordsRead() {
    return recordsRead;
  }

  /**
   * The frames {@code first..last} of {@code stream}.
   *
   * @param near the capture time of the first frame, when known
   * @param asked when the feedback was sent: without {@code near}, reading starts {@link #LOOKBACK}
   *     before it
   * @throws Missing when they are not all on the topic, with the reason
   * @throws org.apache.kafka.common.KafkaException when the topic cannot be read now (the consumer
   *     is closed; the next read opens another)
   */
  public Found read(String stream, long first, long last, Optional<Instant> near, Instant asked)
      throws Missing {
    if (consumer == null) {
      consumer =
          new KafkaConsumer<>(
              consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumersOpened++;
    }
    try {
      return read(consumer, stream, first, last, near, asked);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Found read(
      KafkaConsumer<byte[], byte[]> c,
      String stream,
      long first,
      long last,
      Optional<Instant> near,
      Instant asked)
      throws Missing {
    byte[] key = stream.getBytes(StandardCharsets.UTF_8);
    {
      List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(30));
      TopicPartition tp =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % parts.size());
      c.assign(List.of(tp));
      long begin = c.beginningOffsets(List.of(tp)).get(tp);
      long end = c.endOffsets(List.of(tp)).get(tp);
      Instant from = near.orElse(asked.minus(LOOKBACK)).minus(LEAD);
      long until = near.orElse(asked).plus(SPAN).toEpochMilli();
      OffsetAndTimestamp at =
          c.offsetsForTimes(Map.of(tp, Math.max(0, from.toEpochMilli()))).get(tp);
      long start = at == null ? end : Math.max(begin, at.offset());
      c.seek(tp, start);
      TreeMap<Long, byte[]> got = new TreeMap<>();
      long earliestSeen = Long.MAX_VALUE;
      Integer width = null;
      Integer height = null;
      FrameEncoding encoding = null;
      long bytes = 0;
      long deadline = System.nanoTime() + MAX_TIME.toNanos();
      boolean past = false;
      while (!past && c.position(tp) < end && bytes < MAX_BYTES && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          recordsRead++;
          bytes += Math.max(0, r.serializedValueSize());
          if (r.timestamp() > until) {
            past = true;
          }
          if (past || r.offset() >= end || r.key() == null || !Arrays.equals(r.key(), key)) {
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
                + " from "
                + from
                + " on (the window's capture time less "
                + LEAD.toSeconds()
                + " s, or without it the feedback's less "
                + LOOKBACK.toMinutes()
                + " min)"
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

  /** Closes the consumer (a later read opens another). */
  @Override
  public void close() {
    if (consumer != null) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        // closing anyway
      }
      consumer = null;
    }
  }
}
