package io.openmede.trainer.stream;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where to resume reading each partition so that no clip is skipped and none is trained twice
 * beyond the saved state: the offset of the oldest clip still waiting for its meta-update, else one
 * past the last record fully handled (trained, held out or dead-lettered).
 *
 * <p>Records of one partition must be reported in offset order. Not thread-safe.
 */
public final class OffsetTracker {

  private final Map<Integer, Long> next = new HashMap<>();
  private final Map<Integer, Deque<Long>> waiting = new HashMap<>();

  /** Starts from saved resume offsets (partition → next offset). */
  public OffsetTracker(Map<Integer, Long> resumeFrom) {
    next.putAll(resumeFrom);
  }

  /** A record that is done with (held out, dead-lettered, trained). */
  public void handled(int partition, long offset) {
    next.merge(partition, offset + 1, Math::max);
  }

  /** A clip that waits in the pairer for its meta-update. */
  public void waiting(int partition, long offset) {
    waiting.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(offset);
    next.merge(partition, offset + 1, Math::max);
  }

  /** All waiting clips have been trained (a meta-update finished). */
  public void trainedAllWaiting() {
    waiting.clear();
  }

  /** partition → the offset to resume from. */
  public Map<Integer, Long> resumeOffsets() {
    Map<Integer, Long> out = new TreeMap<>(next);
    for (Map.Entry<Integer, Deque<Long>> e : waiting.entrySet()) {
      if (!e.getValue().isEmpty()) {
        out.put(e.getKey(), e.getValue().peekFirst());
      }
    }
    return out;
  }
}
