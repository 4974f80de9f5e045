package io.openmede.trainer.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Forms Open-MeDe tasks from the labeled stream: consecutive, non-overlapping (support, query)
 * pairs of B clips, N tasks per meta-update, in stream order. Clips 1..2NB become tasks (1..B,
 * B+1..2B), (2B+1..3B, 3B+1..4B), ...; each clip is used exactly once.
 *
 * <p>Not thread-safe.
 *
 * @param <C> clip type
 */
public final class SupportQueryPairer<C> {

  private final int tasksPerUpdate;
  private final int batchSize;
  private final List<C> pending = new ArrayList<>();

  /**
   * @param tasksPerUpdate N
   * @param batchSize B
   */
  public SupportQueryPairer(int tasksPerUpdate, int batchSize) {
    if (tasksPerUpdate < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "tasks per update and batch size must be >= 1, got "
              + tasksPerUpdate
              + " and "
              + batchSize);
    }
    this.tasksPerUpdate = tasksPerUpdate;
    this.batchSize = batchSize;
  }

  /** Clips per meta-update: 2·N·B. */
  public int clipsPerUpdate() {
    return 2 * tasksPerUpdate * batchSize;
  }

  /**
   * Adds the next clip of the stream.
   *
   * @return the N tasks of a meta-update when this clip completes one, else empty
   */
  public Optional<List<SupportQueryPair<C>>> offer(C clip) {
    pending.add(clip);
    if (pending.size() < clipsPerUpdate()) {
      return Optional.empty();
    }
    List<SupportQueryPair<C>> tasks = new ArrayList<>(tasksPerUpdate);
    for (int i = 0; i < tasksPerUpdate; i++) {
      int s = 2 * i * batchSize;
      tasks.add(
          new SupportQueryPair<>(
              pending.subList(s, s + batchSize),
              pending.subList(s + batchSize, s + 2 * batchSize)));
    }
    pending.clear();
    return Optional.of(List.copyOf(tasks));
  }

  /** Clips waiting for their meta-update, oldest first. */
  public List<C> pending() {
    return List.copyOf(pending);
  }
}
