package io.openmede.recognizer.score;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The micro-batching rules, pure: which ready windows wait, when a batch is taken and what goes in
 * it. Nothing here reads a clock, a store or a thread; the caller passes the times.
 *
 * <ul>
 *   <li>A batch holds at most {@code maxBatch} waiting windows, in key order.
 *   <li>A full batch is taken as soon as {@code maxBatch} windows wait.
 *   <li>A partial batch is taken only when the scorer would otherwise sit idle: the task has no
 *       batch in flight and the scoring thread has none to run, of any task; and only once the
 *       oldest waiting window has waited {@code maxDelay}, not counting the time the stream thread
 *       spent waiting for the scorer meanwhile. Under load the scorer is never idle, so windows
 *       keep gathering while it works and batches stay full; under a light load a window is scored
 *       as soon as it is ready (with a zero delay) instead of waiting for company that is not
 *       coming. A scorer kept busy by other tasks does not starve a quiet one: once its oldest
 *       window has waited {@code maxDelay} plus {@link #BUSY_SCORER_PATIENCE}, the partial batch is
 *       taken anyway and queues behind the others.
 *   <li>Windows restored from the buffer store after a restart are overdue: they are flushed at the
 *       first chance.
 * </ul>
 *
 * <p>Not thread-safe: one per task, used by its stream thread.
 *
 * @param <W> the window type
 */
final class MicroBatcher<W> {

  /** When the oldest window began to wait, and the scorer's busy clock then. */
  private record Oldest(long sinceMs, long busyNanosThen) {}

  /**
   * How much longer than the delay a partial batch waits for a scorer busy with other tasks'
   * batches before it is taken anyway: a quiet partition next to a busy one is not starved.
   */
  static final Duration BUSY_SCORER_PATIENCE = Duration.ofMillis(100);

  private final int maxBatch;
  private final Duration maxDelay;
  private final NavigableMap<String, W> waiting = new TreeMap<>();
  private Optional<Oldest> oldest = Optional.empty();
  private boolean overdue;

  MicroBatcher(int maxBatch, Duration maxDelay) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "a micro-batch holds at least one window, got " + maxBatch);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("the batch delay must not be negative, got " + maxDelay);
    }
    this.maxBatch = maxBatch;
    this.maxDelay = maxDelay;
  }

  /**
   * A window became ready at {@code nowMs}, with the scorer's busy clock at {@code busyNanos}. A
   * window whose key already waits replaces it. True when the key was not waiting.
   */
  boolean offer(String key, W window, long nowMs, long busyNanos) {
    if (oldest.isEmpty()) {
      oldest = Optional.of(new Oldest(nowMs, busyNanos));
    }
    return waiting.put(key, window) == null;
  }

  /** A window restored from the buffer after a restart: overdue, flushed at the first chance. */
  void restore(String key, W window) {
    waiting.put(key, window);
    overdue = true;
  }

  /** Whether a full batch waits. */
  boolean fullBatchWaiting() {
    return waiting.size() >= maxBatch;
  }

  /**
   * Whether a partial batch is due at {@code nowMs}, with the busy clock at {@code busyNanos},
   * {@code inFlight} batches of this task not yet forwarded, and the scoring thread idle ({@code
   * scorerIdle}: nothing submitted to it and not done) or not. Restored windows are due whenever
   * nothing of the task is in flight; with the scorer busy, a partial batch is due once its oldest
   * window has waited the delay and {@link #BUSY_SCORER_PATIENCE} in all.
   */
  boolean dueByTime(long nowMs, long busyNanos, int inFlight, boolean scorerIdle) {
    if (waiting.isEmpty() || inFlight > 0) {
      return false;
    }
    if (overdue) {
      return true;
    }
    Oldest o = oldest.orElseThrow();
    if (!scorerIdle) {
      return nowMs - o.sinceMs() >= maxDelay.plus(BUSY_SCORER_PATIENCE).toMillis();
    }
    long busyMs = (busyNanos - o.busyNanosThen()) / 1_000_000;
    return nowMs - o.sinceMs() - busyMs >= maxDelay.toMillis();
  }

  /** Takes the next batch: at most {@code maxBatch} waiting windows in key order (maybe none). */
  List<W> take() {
    List<W> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
    while (batch.size() < maxBatch && !waiting.isEmpty()) {
      batch.add(waiting.pollFirstEntry().getValue());
    }
    if (waiting.isEmpty()) {
      oldest = Optional.empty();
      overdue = false;
    }
    return batch;
  }

  /** Whether the window with this key waits. */
  boolean holds(String key) {
    return waiting.containsKey(key);
  }

  /** How many windows wait. */
  int waiting() {
    return waiting.size();
  }

  /** Forgets every waiting window (the task closed). */
  void clear() {
    waiting.clear();
    oldest = Optional.empty();
    overdue = false;
  }
}
