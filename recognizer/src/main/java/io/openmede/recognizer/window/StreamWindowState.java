package io.openmede.recognizer.window;

import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The window state of one stream, as kept in the changelogged window store: frames waiting to
 * complete a window (by sequence), where the next window starts, and the batch sequence numbers
 * seen recently (for duplicate detection).
 *
 * <p>Mutable, not thread-safe: owned by the stream task that processes the stream's partition.
 */
final class StreamWindowState {

  /** How many recent batch sequence numbers are remembered for duplicate detection. */
  public static final int SEEN_BATCH_HISTORY = 256;

  final TreeMap<Long, WindowFrame> pending = new TreeMap<>();

  /** Remembered batch sequence numbers, ascending (a primitive array: decoded at every batch). */
  long[] seenBatches = new long[0];

  OptionalLong nextStartSequence = OptionalLong.empty();
  OptionalLong nextStartTimeMs = OptionalLong.empty();
  OptionalLong lastEmittedFirstSequence = OptionalLong.empty();
  long highestSequence = Long.MIN_VALUE;

  /** Latest capture time of an accepted frame, epoch ms; {@link Long#MIN_VALUE} before any. */
  long latestCaptureMs = Long.MIN_VALUE;

  /**
   * When a batch of the stream last brought a frame, by the recognizer's clock (epoch ms); 0 when
   * not known (a state written before it was kept: taken as now when loaded).
   */
  long acceptedAtMs;

  /** Frames waiting for their window, by sequence. */
  public NavigableMap<Long, WindowFrame> pending() {
    return java.util.Collections.unmodifiableNavigableMap(pending);
  }

  /** Batch sequence numbers remembered for duplicate detection. */
  public NavigableSet<Long> seenBatches() {
    TreeSet<Long> copy = new TreeSet<>();
    for (long b : seenBatches) {
      copy.add(b);
    }
    return java.util.Collections.unmodifiableNavigableSet(copy);
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
    int at = java.util.Arrays.binarySearch(seenBatches, batchSequence);
    if (at >= 0) {
      return false;
    }
    int n = seenBatches.length;
    if (n >= SEEN_BATCH_HISTORY && batchSequence < seenBatches[0]) {
      return false; // older than anything remembered: treat as a late duplicate
    }
    int insert = -at - 1;
    long[] next = new long[n + 1];
    System.arraycopy(seenBatches, 0, next, 0, insert);
    next[insert] = batchSequence;
    System.arraycopy(seenBatches, insert, next, insert + 1, n - insert);
    seenBatches =
        next.length > SEEN_BATCH_HISTORY
            ? java.util.Arrays.copyOfRange(next, next.length - SEEN_BATCH_HISTORY, next.length)
            : next;
    return true;
  }
}
