package io.openmede.recognizer.score;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The micro-batches a task has taken and not yet forwarded, oldest first, with the buffer keys of
 * their windows. Results leave in the order the batches were taken.
 *
 * <p>Not thread-safe: one per task, used by its stream thread (the futures complete elsewhere).
 *
 * @param <T> what a batch becomes
 */
final class InFlightBatches<T> {

  private record Batch<T>(Future<T> result, List<String> keys) {}

  private final int depth;
  private final Deque<Batch<T>> batches = new ArrayDeque<>();
  private final Set<String> keys = new HashSet<>();

  /**
   * @param depth how many batches may be in flight before {@link #full()}
   */
  InFlightBatches(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("at least one batch must be allowed in flight");
    }
    this.depth = depth;
  }

  /** Adds a batch taken after every batch here; {@code keys} are its windows' buffer keys. */
  void add(Future<T> result, List<String> keys) {
    batches.addLast(new Batch<>(result, List.copyOf(keys)));
    this.keys.addAll(keys);
  }

  /** Whether the window with this buffer key belongs to a batch here. */
  boolean holds(String key) {
    return keys.contains(key);
  }

  /** Whether {@code depth} batches are in flight: the next one waits for the oldest. */
  boolean full() {
    return batches.size() >= depth;
  }

  boolean isEmpty() {
    return batches.isEmpty();
  }

  int size() {
    return batches.size();
  }

  /** The oldest batch's result if it is done, removed; empty while it runs or when none is here. */
  Optional<T> pollDone() {
    Batch<T> first = batches.peekFirst();
    if (first == null || !first.result().isDone()) {
      return Optional.empty();
    }
    return Optional.of(removeOldest());
  }

  /**
   * Waits for the oldest batch and removes it. A batch that failed empties the queue (the task is
   * about to fail, and its windows are still in the buffer) and rethrows its cause.
   *
   * @throws java.util.NoSuchElementException when nothing is in flight
   */
  T awaitOldest() {
    if (batches.isEmpty()) {
      throw new java.util.NoSuchElementException("no micro-batch is in flight");
    }
    return removeOldest();
  }

  private T removeOldest() {
    Batch<T> first = batches.peekFirst();
    T result;
    try {
      result = first.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a micro-batch was scored", e);
    } catch (ExecutionException e) {
      clear();
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("scoring a micro-batch failed", e.getCause());
    }
    batches.removeFirst();
    first.keys().forEach(keys::remove);
    return result;
  }

  /** Drops every batch (the task closed; their windows are still in the buffer). */
  void clear() {
    batches.clear();
    keys.clear();
  }
}
