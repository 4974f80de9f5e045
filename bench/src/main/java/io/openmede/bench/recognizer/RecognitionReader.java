package io.openmede.bench.recognizer;

import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The benchmark's read_committed reader of recognitions, on a thread of its own ("bench-reader"),
 * every partition from the beginning, no group: the windows read, an {@link Arrival} for each
 * recognition of a window the benchmark sent ({@link #sentAt}), and when a vocabulary newer than a
 * baseline first showed. Its state is safe to read from any thread.
 */
final class RecognitionReader {

  private final Cluster cluster;
  private final Duration fetchWait;
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final List<Arrival> arrivals = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> windows = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean reading = new AtomicBoolean(true);
  private final AtomicLong maxVocabulary = new AtomicLong(-1);
  private final AtomicLong vocabularyBaseline = new AtomicLong(-1);
  private final AtomicLong newVocabularySeenAt = new AtomicLong();
  private final Thread thread = new Thread(this::read, "bench-reader");

  /** {@code fetchWait}: the reader's {@code fetch.max.wait.ms}. */
  RecognitionReader(Cluster cluster, Duration fetchWait) {
    this.cluster = cluster;
    this.fetchWait = fetchWait;
  }

  /** When each window's frame batch was sent (ns), by {@link FrameLoad#key}: the load fills it. */
  Map<String, Long> sentAt() {
    return sentAt;
  }

  void start() {
    thread.start();
  }

  /** Stops reading (the thread ends after its current poll). */
  void stop() {
    reading.set(false);
  }

  /** Stops reading and waits for the thread at most {@code millis}. */
  void stopAndJoin(long millis) throws InterruptedException {
    stop();
    thread.join(millis);
  }

  /** Distinct windows with a recognition so far. */
  int windowsRead() {
    return windows.size();
  }

  /** Arrivals so far (since the last {@link #clearArrivals}). */
  int arrivalCount() {
    return arrivals.size();
  }

  void clearArrivals() {
    arrivals.clear();
  }

  /** The read times of the arrivals from index {@code from} on, sorted (ns). */
  long[] readTimesFrom(int from) {
    synchronized (arrivals) {
      return arrivals.subList(from, arrivals.size()).stream()
          .mapToLong(Arrival::readNanos)
          .sorted()
          .toArray();
    }
  }

  /** A copy of the arrivals of the windows sent at or after {@code fromNanos}. */
  List<Arrival> arrivalsSentFrom(long fromNanos) {
    synchronized (arrivals) {
      return new ArrayList<>(arrivals.stream().filter(r -> r.sentNanos() >= fromNanos).toList());
    }
  }

  /** From now on, a recognition with a vocabulary version above the highest seen so far counts. */
  void markVocabularyBaseline() {
    vocabularyBaseline.set(maxVocabulary.get());
  }

  /** When the first recognition with a newer vocabulary than the baseline was read; 0: none yet. */
  long newVocabularySeenAt() {
    return newVocabularySeenAt.get();
  }

  /** Waits until {@code n} distinct windows were read; fails after {@code timeout}. */
  void awaitWindows(int n, Duration timeout) throws InterruptedException {
    waitFor(() -> windows.size() >= n, timeout);
  }

  /** Waits until {@code n} arrivals were read; fails after {@code timeout}. */
  void awaitArrivals(int n, Duration timeout) throws InterruptedException {
    waitFor(() -> arrivals.size() >= n, timeout);
  }

  private static void waitFor(BooleanSupplier done, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("benchmark phase timed out after " + timeout);
      }
      Thread.sleep(5);
    }
  }

  private void read() {
    Map<String, Object> cc = cluster.consumerConfig("bench-reader");
    cc.remove("group.id");
    cc.put("fetch.max.wait.ms", (int) Math.min(Integer.MAX_VALUE, fetchWait.toMillis()));
    String topic = cluster.topics().recognitions().name();
    try (KafkaConsumer<String, Recognition> c =
        new KafkaConsumer<>(
            cc,
            new StringDeserializer(),
            cluster.topics().recognitions().valueSerde().deserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < cluster.topics().recognitions().partitions(); p++) {
        parts.add(new TopicPartition(topic, p));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (reading.get()) {
        for (ConsumerRecord<String, Recognition> r : c.poll(Duration.ofMillis(20))) {
          take(r.value(), System.nanoTime());
        }
      }
    }
  }

  private void take(Recognition v, long now) {
    String k = FrameLoad.key(v.getStreamId(), v.getFirstSequence());
    windows.add(k);
    Long sent = sentAt.get(k);
    if (sent != null) {
      arrivals.add(
          new Arrival(
              sent,
              now,
              (long) (v.getProcessingLatencyMs() * 1000),
              v.getRecognizedAt().toEpochMilli()));
    }
    maxVocabulary.accumulateAndGet(v.getVocabularyVersion(), Math::max);
    long base = vocabularyBaseline.get();
    if (base >= 0 && newVocabularySeenAt.get() == 0 && v.getVocabularyVersion() > base) {
      newVocabularySeenAt.set(now);
    }
  }
}
