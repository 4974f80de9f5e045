package io.openmede.recognizer.window;

import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The window state of one stream, as kept in the persistent window store: frames waiting to
 * complete a window (by sequence), where the next window starts, and the batch sequence numbers
 * seen recently (for duplicate detection).
 *
 * <p>Mutable, not thread-safe: owned by the stream task that processes the stream's partition.
 */
public final class StreamWindowState {

  /** How many recent batch sequence numbers are remembered for duplicate detection. */
  public static final int SEEN_BATCH_HISTORY = 256;

  final TreeMap<Long, WindowFrame> pending = new TreeMap<>();
  final TreeSet<Long> seenBatches = new TreeSet<>();
  OptionalLong nextStartSequence = OptionalLong.empty();
  OptionalLong nextStartTimeMs = OptionalLong.empty();
  OptionalLong lastEmittedFirstSequence = OptionalLong.empty();
  long highestSequence = Long.MIN_VALUE;

  /** Frames waiting for their window, by sequence. */
  public NavigableMap<Long, WindowFrame> pending() {
    return java.util.Collections.unmodifiableNavigableMap(pending);
  }

  /** Batch sequence numbers remembered for duplicate detection. */
  public NavigableSet<Long> seenBatches() {
    return java.util.Collections.unmodifiableNavigableSet(seenBatches);
  }

  /** First frame sequence of the next window when already known. */
  public OptionalLong nextStartSequence() {
    return nextStartSequence;
  }

  /** In time spacing: earliest capture time of the next window's first frame. */
  public OptionalLong nextStartTimeMs() {
    return nextStartTimeMs;
  }

  /** First frame sequence of the last window emitted. */
  public OptionalLong lastEmittedFirstSequence() {
    return lastEmittedFirstSequence;
  }

  /** Highest frame sequence seen, when any frame was seen. */
  public OptionalLong highestSequence() {
    return highestSequence == Long.MIN_VALUE
        ? OptionalLong.empty()
        : OptionalLong.of(highestSequence);
  }

  boolean rememberBatch(long batchSequence) {
    if (seenBatches.contains(batchSequence)) {
      return false;
    }
    if (seenBatches.size() >= SEEN_BATCH_HISTORY && batchSequence < seenBatches.first()) {
      return false; // older than anything remembered: treat as a late duplicate
    }
    seenBatches.add(batchSequence);
    while (seenBatches.size() > SEEN_BATCH_HISTORY) {
      seenBatches.pollFirst();
    }
    return true;
  }
}
