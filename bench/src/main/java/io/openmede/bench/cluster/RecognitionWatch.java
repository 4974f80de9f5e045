package io.openmede.bench.cluster;

import io.openmede.bench.faults.FaultAccounting;
import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Follows the recognitions of a running stack (read_committed, from the start) on a thread of its
 * own, with the time each was read, and accounts them against the frames on the frames topic:
 * windows lost and windows recognized twice, per stream and first frame sequence ({@link
 * FaultAccounting}). Used by {@code bench cluster} and the stack's integration test.
 */
public final class RecognitionWatch implements AutoCloseable {

  /**
   * A recognition read: its window, when it was read ({@link System#nanoTime()}) and the capture
   * time of the window's first frame (epoch milliseconds).
   */
  public record Seen(WindowKey window, long readAtNanos, long windowStartMillis) {}

  private final Cluster cluster;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * @param cluster connected as a principal that may read recognitions and frames (the operator)
   */
  public RecognitionWatch(Cluster cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::follow, "recognition-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    Topic<String, Recognition> t = cluster.topics().recognitions();
    Deserializer<Recognition> decode = t.valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c = consumer(t.name())) {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          Recognition v = decode.deserialize(r.topic(), r.value());
          seen.add(
              new Seen(
                  new WindowKey(v.getStreamId(), v.getFirstSequence()),
                  System.nanoTime(),
                  v.getWindowStart().toEpochMilli()));
        }
      }
    } catch (RuntimeException e) {
      if (running.get()) {
        throw e;
      }
    }
  }

  /** Every recognition read so far. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Recognitions of {@code stream} read after {@code sinceNanos}. */
  public long countSince(String stream, long sinceNanos) {
    return seen.stream()
        .filter(s -> s.window().stream().equals(stream) && s.readAtNanos() > sinceNanos)
        .count();
  }

  /** Distinct streams recognized so far. */
  public Set<String> streams() {
    Set<String> out = new TreeSet<>();
    seen.forEach(s -> out.add(s.window().stream()));
    return out;
  }

  /**
   * Waits until {@code stream} has {@code count} more recognitions read after {@code sinceNanos};
   * returns the seconds from {@code sinceNanos} to the first of them, or -1 after {@code timeout}.
   */
  public double awaitRecognitions(String stream, long sinceNanos, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Seen> after =
          seen.stream()
              .filter(s -> s.window().stream().equals(stream) && s.readAtNanos() > sinceNanos)
              .toList();
      if (after.size() >= count) {
        return (after.get(0).readAtNanos() - sinceNanos) / 1e9;
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /**
   * Waits until {@code stream} has a recognition of a window whose first frame was captured after
   * {@code sinceMillis} (epoch ms): recognition went on for frames sent after a fault. Returns the
   * seconds from {@code sinceMillis} to when it was read, or -1 after {@code timeout}.
   */
  public double awaitWindowAfter(String stream, long sinceMillis, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nanoOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    while (System.nanoTime() < deadline) {
      for (Seen s : seen) {
        if (s.window().stream().equals(stream) && s.windowStartMillis() > sinceMillis) {
          return ((s.readAtNanos() + nanoOffset) / 1e6 - sinceMillis) / 1000.0;
        }
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /** The frames on the frames topic, per stream (read_committed, to its end now). */
  public Map<String, List<Long>> frames() {
    Topic<String, FrameBatch> t = cluster.topics().frames();
    Deserializer<FrameBatch> decode = t.valueSerde().deserializer();
    Map<String, List<Long>> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(t.name())) {
      Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
      while (!caughtUp(c, end)) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          FrameBatch b = decode.deserialize(r.topic(), r.value());
          List<Long> seqs = out.computeIfAbsent(b.getStreamId(), k -> new ArrayList<>());
          for (Frame f : b.getFrames()) {
            seqs.add(f.getSequence());
          }
        }
      }
    }
    return out;
  }

  /** Windows lost and doubled so far, against the frames on the topic now. */
  public FaultAccounting.Outcome account(WindowConfig window) {
    List<WindowKey> expected = new ArrayList<>();
    for (Map.Entry<String, List<Long>> e : frames().entrySet()) {
      expected.addAll(FaultAccounting.expectedWindows(e.getKey(), e.getValue(), window));
    }
    List<WindowKey> recognized = seen.stream().map(Seen::window).toList();
    return FaultAccounting.account(expected, recognized, Set.of());
  }

  /**
   * Waits until every window the frames give is recognized (or {@code timeout}); returns the
   * outcome then.
   */
  public FaultAccounting.Outcome awaitAllRecognized(WindowConfig window, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    FaultAccounting.Outcome o = account(window);
    while (!o.lost().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      o = account(window);
    }
    Thread.sleep(2000); // a doubled window would arrive after its first copy
    return account(window);
  }

  private KafkaConsumer<byte[], byte[]> consumer(String topic) {
    Map<String, Object> c = new HashMap<>(cluster.consumerConfig("unused"));
    c.remove("group.id");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
      parts.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    return consumer;
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
