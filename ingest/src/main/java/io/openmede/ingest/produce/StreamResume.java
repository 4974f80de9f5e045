package io.openmede.ingest.produce;

import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a stream's numbering goes on when its ingest starts again. The recognizers drop a batch
 * whose number they have seen as a duplicate, so a source that numbered from 0 after every restart
 * would go unrecognized until it passed its previous run's numbers. At start, the stream's
 * partition of the frames topic is read backwards from its end, {@value #CHUNK} records at a time
 * (at most {@value #MAX_BYTES} bytes, 30 s): the stream's highest batch and frame numbers in the
 * latest chunk that holds it, plus one, are where it continues. A stream not in a partition read
 * back to offset 0 is new and starts at 0. When it cannot be told (the budget ran out first, or
 * retention removed the partition's start), numbering starts at the wall clock in milliseconds,
 * above any earlier run's numbers (a source sends far fewer than one frame per millisecond).
 *
 * @param nextBatch the first batch number to use
 * @param nextFrame what to add to the source's frame numbers (which start at 0)
 * @param how how it was found, for the log
 */
public record StreamResume(long nextBatch, long nextFrame, String how) {

  private static final Logger LOG = LoggerFactory.getLogger(StreamResume.class);

  /** Records read back per step from the end of the partition. */
  static final int CHUNK = 256;

  /** The most record bytes read back before giving up. */
  static final long MAX_BYTES = 128L * 1024 * 1024;

  /** A stream never seen: numbering from 0. */
  public static final StreamResume FRESH = new StreamResume(0, 0, "a new stream");

  /**
   * Finds where {@code streamId} continues on {@code topic}; on any failure to read, the wall clock
   * base (never a number the recognizers have seen).
   */
  public static StreamResume find(
      Map<String, Object> consumerConfig,
      String topic,
      Deserializer<FrameBatch> values,
      String streamId) {
    Map<String, Object> c = new java.util.HashMap<>(consumerConfig);
    c.remove("group.id");
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", false);
    c.put("max.poll.records", CHUNK);
    byte[] key = streamId.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (parts == null || parts.isEmpty()) {
        return FRESH;
      }
      // the producer's partitioner for a keyed record
      TopicPartition tp =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % parts.size());
      consumer.assign(List.of(tp));
      long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      if (end == 0) {
        return FRESH;
      }
      long lastBatch = -1;
      long lastFrame = -1;
      long bytes = 0;
      long hi = end;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // backwards, a chunk at a time: the first chunk that holds the stream holds its last batch
      while (hi > begin && lastBatch < 0 && bytes < MAX_BYTES && System.nanoTime() < deadline) {
        long lo = Math.max(begin, hi - CHUNK);
        consumer.seek(tp, lo);
        while (consumer.position(tp) < hi && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            bytes += Math.max(0, r.serializedValueSize());
            if (r.offset() >= hi
                || r.key() == null
                || !java.util.Arrays.equals(r.key(), key)
                || r.value() == null) {
              continue;
            }
            FrameBatch b;
            try {
              b = values.deserialize(topic, r.value());
            } catch (RuntimeException e) {
              continue; // not ours to judge here: the recognizers dead-letter it
            }
            lastBatch = Math.max(lastBatch, b.getBatchSequence());
            for (Frame f : b.getFrames()) {
              lastFrame = Math.max(lastFrame, f.getSequence());
            }
          }
        }
        hi = lo;
      }
      if (lastBatch >= 0) {
        return new StreamResume(
            lastBatch + 1,
            lastFrame + 1,
            "after its last batch on "
                + topic
                + " (batch "
                + lastBatch
                + ", frame "
                + lastFrame
                + ")");
      }
      if (hi <= begin && begin == 0) {
        return FRESH; // the whole partition, never trimmed, holds nothing of this stream
      }
      return clock(
          begin > 0
              ? "it is not in what retention left of " + tp
              : "it is not in the last " + (end - hi) + " records of " + tp + " read back");
    } catch (RuntimeException e) {
      LOG.warn(
          "could not read {} back to find where {} continues: {}", topic, streamId, e.toString());
      return clock("the frames topic could not be read back (" + e.getMessage() + ")");
    }
  }

  private static StreamResume clock(String why) {
    long now = System.currentTimeMillis();
    return new StreamResume(now, now, "at the wall clock (" + now + "): " + why);
  }
}
