package io.openmede.bench.faults;

import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the campaign sent and what came back: filled by the cameras and the topic readers, read by
 * the checks and the report. Thread-safe.
 */
final class Ledger {

  /** One recognition read: its window, when its batch was sent, when it was read (ns). */
  record Seen(WindowKey key, long sentNanos, long readNanos) {}

  /** Batch sequence numbers the broker acknowledged, per stream. */
  private final Map<String, Set<Long>> acked = new ConcurrentHashMap<>();

  private final IngestRuns ingest = new IngestRuns();

  /**
   * When each window's batch was handed to the producer, for the ingest process's streams when a
   * frame was last read back from the frames topic (ns).
   */
  private final Map<WindowKey, Long> sentAt = new ConcurrentHashMap<>();

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<EpisodeAccounting.EventSeen> events = new CopyOnWriteArrayList<>();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final AtomicLong unreadableRecognitions = new AtomicLong();
  private final AtomicLong failedSends = new AtomicLong();

  /** The streams that must be recognized: the cameras and, when it runs, the ingest process's. */
  private final Set<String> streams = new ConcurrentSkipListSet<>();

  void expect(String stream) {
    streams.add(stream);
  }

  void sent(WindowKey window, long nanos) {
    sentAt.put(window, nanos);
  }

  void acknowledged(String stream, long batch) {
    acked.computeIfAbsent(stream, x -> new ConcurrentSkipListSet<>()).add(batch);
  }

  void failedSend() {
    failedSends.incrementAndGet();
  }

  void recognized(WindowKey window, long readNanos) {
    seen.add(new Seen(window, sentAt.getOrDefault(window, Long.MIN_VALUE), readNanos));
  }

  /** An event of the events service read back at {@code readNanos}. */
  void event(EpisodeAccounting.EventSeen e) {
    events.add(e);
  }

  List<EpisodeAccounting.EventSeen> events() {
    return events;
  }

  void unreadableRecognition() {
    unreadableRecognitions.incrementAndGet();
  }

  void deadLetter(DeadLetter d) {
    deadLetters.add(d);
  }

  /** A frame batch of the ingest process read back at {@code now}. */
  void ingestBatch(FrameBatch b, long now) {
    ingest.add(b);
    for (var f : b.getFrames()) {
      sentAt.put(new WindowKey(b.getStreamId(), f.getSequence()), now);
    }
  }

  Set<String> streams() {
    return streams;
  }

  List<Seen> seen() {
    return seen;
  }

  List<DeadLetter> deadLetters() {
    return deadLetters;
  }

  /** The dead letters from {@code topic} so far, in order. */
  List<DeadLetter> deadLettersFrom(String topic) {
    return deadLetters.stream().filter(d -> d.getSourceTopic().equals(topic)).toList();
  }

  int acknowledgedBatches() {
    return acked.values().stream().mapToInt(Set::size).sum();
  }

  long unreadableRecognitions() {
    return unreadableRecognitions.get();
  }

  long failedSends() {
    return failedSends.get();
  }

  /** What was read back of the ingest process's frames. */
  IngestRuns ingest() {
    return ingest;
  }

  /**
   * When every expected stream had its first recognition of a window sent at or after {@code t0}:
   * the latest of those reads (ns); empty while a stream has none.
   */
  Optional<Long> everyStreamRecognizedSince(long t0) {
    Map<String, Long> firstRead = new TreeMap<>();
    for (Seen x : seen) {
      if (x.sentNanos() >= t0 && streams.contains(x.key().stream())) {
        firstRead.merge(x.key().stream(), x.readNanos(), Math::min);
      }
    }
    if (!firstRead.keySet().containsAll(streams)) {
      return Optional.empty();
    }
    return Optional.of(firstRead.values().stream().mapToLong(Long::longValue).max().orElse(t0));
  }

  /** The windows the acknowledged batches and the ingest frames read back should give. */
  List<WindowKey> expected(WindowConfig window) {
    List<WindowKey> all = new ArrayList<>();
    int n = window.frames();
    for (Map.Entry<String, Set<Long>> e : acked.entrySet()) {
      List<Long> frames = new ArrayList<>();
      for (long b : e.getValue()) {
        for (int f = 0; f < n; f++) {
          frames.add(b * n + f);
        }
      }
      all.addAll(FaultAccounting.expectedWindows(e.getKey(), frames, window));
    }
    for (Map.Entry<String, List<Set<Long>>> e : ingest.byStream().entrySet()) {
      for (Set<Long> run : e.getValue()) {
        all.addAll(FaultAccounting.expectedWindows(e.getKey(), run, window));
      }
    }
    return all;
  }

  /** The window of every recognition read, once per read. */
  List<WindowKey> recognizedWindows() {
    return seen.stream().map(Seen::key).toList();
  }

  /**
   * The expected streams without a recognition of a window sent at or after {@code t0}: muted since
   * then.
   */
  Set<String> mutedSince(long t0) {
    Set<String> heard = new java.util.HashSet<>();
    for (Seen x : seen) {
      if (x.sentNanos() >= t0) {
        heard.add(x.key().stream());
      }
    }
    Set<String> muted = new java.util.TreeSet<>(streams);
    muted.removeAll(heard);
    return muted;
  }
}
