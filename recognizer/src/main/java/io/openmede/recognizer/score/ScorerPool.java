package io.openmede.recognizer.score;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives each stream thread its scorer. With one scorer per device (model replica), threads are
 * spread over the devices round-robin in the order they first ask; a thread keeps its scorer.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface ScorerPool {

  /** The scorer for the calling stream thread, named {@code threadName}. */
  ClipScorer scorerFor(String threadName);

  /** Every thread shares {@code scorer}. */
  static ScorerPool of(ClipScorer scorer) {
    return thread -> scorer;
  }

  /** Threads spread round-robin over {@code scorers} (one per device). */
  static ScorerPool roundRobin(List<? extends ClipScorer> scorers) {
    if (scorers.isEmpty()) {
      throw new IllegalArgumentException("at least one scorer (device) is needed");
    }
    List<ClipScorer> copy = List.copyOf(scorers);
    Map<String, ClipScorer> assigned = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    return thread ->
        assigned.computeIfAbsent(
            thread, t -> copy.get(Math.floorMod(next.getAndIncrement(), copy.size())));
  }
}
