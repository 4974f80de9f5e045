package io.openmede.trainer.averaging;

import java.util.Optional;

/**
 * A running average of the trained weights θ, fed after every optimizer update.
 *
 * <p>Lifecycle: the average owns its accumulator; {@link #close()} frees it. Averages handed out by
 * {@link #afterUpdate} are owned by the caller. Not thread-safe.
 *
 * @param <V> weight vector type (see {@link WeightAlgebra})
 */
public interface WeightAverage<V> extends AutoCloseable {

  /**
   * Records that the optimizer has taken {@code updates} updates in total and θ is now {@code
   * theta}; the average copies what it needs.
   *
   * @return an owned copy of a finished average to publish (for cycles: at the end of each cycle),
   *     else empty
   */
  Optional<V> afterUpdate(long updates, V theta);

  /** The average so far in the current cycle (a view: do not change or close it), if any. */
  Optional<V> current();

  /** The accumulator and its bookkeeping, to save with the trainer state. */
  AverageState<V> state();

  /** Called once with θ0 before the first update of a fresh run (not after a restore). */
  default void begin(V theta0) {}

  /** Replaces the state with a saved one; takes ownership of its accumulator. */
  void restore(AverageState<V> saved);

  /** Frees the accumulator. */
  @Override
  void close();
}
