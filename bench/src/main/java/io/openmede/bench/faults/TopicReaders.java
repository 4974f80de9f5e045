package io.openmede.bench.faults;

import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The campaign's readers, a daemon thread each, read_committed from the beginning of every
 * partition, no group, into the ledger: recognitions, dead letters, and the ingest process's frame
 * batches (the campaign does not see what that process sends).
 */
final class TopicReaders implements AutoCloseable {

  private final Cluster cluster;
  private final Ledger ledger;
  private final String camerasPrefix;
  private final AtomicBoolean reading = new AtomicBoolean(true);

  private TopicReaders(Cluster cluster, Ledger ledger, String camerasPrefix) {
    this.cluster = cluster;
    this.ledger = ledger;
    this.camerasPrefix = camerasPrefix;
  }

  /**
   * Starts the three; frame batches of streams named {@code camerasPrefix..} are the campaign's.
   */
  static TopicReaders start(Cluster cluster, Ledger ledger, String camerasPrefix) {
    TopicReaders r = new TopicReaders(cluster, ledger, camerasPrefix);
    r.thread(r::recognitions, "faults-recognitions");
    r.thread(r::deadLetters, "faults-dead-letters");
    r.thread(r::ingestFrames, "faults-frames");
    r.thread(r::events, "faults-events");
    return r;
  }

  private void thread(Runnable loop, String name) {
    Thread t = new Thread(loop, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Client properties with reconnects backing off up to 5 s: while the broker is down each client
   * logs a warning per attempt (on stderr), and the default 1 s floods it.
   */
  static Map<String, Object> quiet(Map<String, Object> config) {
    config.put("reconnect.backoff.max.ms", 5000);
    return config;
  }

  private void recognitions() {
    Deserializer<Recognition> decode = cluster.topics().recognitions().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        consumer(
            cluster.topics().recognitions().name(), cluster.topics().recognitions().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          try {
            Recognition v = decode.deserialize(r.topic(), r.value());
            if (EventsFaults.FORGED_MODEL.equals(v.getModelVersion())) {
              continue; // the campaign's own bad records for the events service
            }
            ledger.recognized(new WindowKey(v.getStreamId(), v.getFirstSequence()), now);
          } catch (RuntimeException e) {
            ledger.unreadableRecognition();
          }
        }
      }
    }
  }

  private void events() {
    Deserializer<Event> decode = cluster.topics().events().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        consumer(cluster.topics().events().name(), cluster.topics().events().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          try {
            Event v = decode.deserialize(r.topic(), r.value());
            ledger.event(
                new EpisodeAccounting.EventSeen(
                    v.getRule(),
                    v.getStreamId(),
                    v.getEventId(),
                    v.getState() == EventState.OPENED,
                    now));
          } catch (RuntimeException e) {
            ledger.unreadableRecognition();
          }
        }
      }
    }
  }

  private void ingestFrames() {
    Deserializer<FrameBatch> decode = cluster.topics().frames().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        consumer(cluster.topics().frames().name(), cluster.topics().frames().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          FrameBatch b;
          try {
            b = decode.deserialize(r.topic(), r.value());
          } catch (RuntimeException bad) {
            continue; // the campaign's bad records
          }
          if (b != null && !b.getStreamId().startsWith(camerasPrefix)) {
            ledger.ingestBatch(b, System.nanoTime());
          }
        }
      }
    }
  }

  private void deadLetters() {
    Deserializer<DeadLetter> decode = cluster.topics().deadLetters().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        consumer(
            cluster.topics().deadLetters().name(), cluster.topics().deadLetters().partitions())) {
      while (reading.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          try {
            ledger.deadLetter(decode.deserialize(r.topic(), r.value()));
          } catch (RuntimeException e) {
            ledger.deadLetter(
                DeadLetter.newBuilder()
                    .setSourceTopic("(unreadable dead letter)")
                    .setError("")
                    .setErrorClass(e.getClass().getName())
                    .setService("?")
                    .setFailedAt(Instant.now())
                    .build());
          }
        }
      }
    }
  }

  /** A read_committed consumer of every partition of {@code topic} from the beginning, no group. */
  private KafkaConsumer<byte[], byte[]> consumer(String topic, int partitions) {
    Map<String, Object> cc = quiet(cluster.consumerConfig("faults-reader"));
    cc.remove("group.id");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(new TopicPartition(topic, p));
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Stops reading (each thread ends after its current poll). */
  @Override
  public void close() {
    reading.set(false);
  }
}
