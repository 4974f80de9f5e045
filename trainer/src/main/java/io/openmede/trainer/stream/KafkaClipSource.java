package io.openmede.trainer.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the labeled-clips topic with a {@link KafkaConsumer} assigned to every partition (no
 * consumer group, no committed offsets: the trainer state holds the positions, so a restart seeks
 * exactly where the saved state ends). Values stay raw bytes so that a malformed record becomes a
 * dead letter instead of an exception in {@code poll}. Not thread-safe except {@link #wakeup()}.
 */
public final class KafkaClipSource implements ClipRecordSource {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final List<TopicPartition> partitions = new ArrayList<>();

  /**
   * @param clientConfig connection settings (bootstrap servers, security)
   * @param topic the labeled-clips topic (must exist)
   * @param maxFetchBytes largest record batch to fetch (at least the largest clip)
   */
  public KafkaClipSource(Map<String, Object> clientConfig, String topic, int maxFetchBytes) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxFetchBytes);
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(maxFetchBytes, 52_428_800));
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "openmede-trainer");
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          "topic " + topic + " does not exist; provision the topics first");
    }
    for (PartitionInfo p : infos) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
  }

  @Override
  public void seek(Map<Integer, Long> nextOffsets) {
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      Long o = nextOffsets.get(tp.partition());
      if (o == null) {
        fromStart.add(tp);
      } else {
        consumer.seek(tp, o);
      }
    }
    if (!fromStart.isEmpty()) {
      consumer.seekToBeginning(fromStart);
    }
  }

  @Override
  public List<RawClipRecord> poll(Duration timeout) {
    List<RawClipRecord> out = new ArrayList<>();
    try {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
        out.add(new RawClipRecord(topic, r.partition(), r.offset(), r.key(), r.value()));
      }
    } catch (WakeupException e) {
      // woken for shutdown: return what we have (nothing)
    }
    return out;
  }

  @Override
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
