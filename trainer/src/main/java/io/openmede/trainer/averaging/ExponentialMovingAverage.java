package io.openmede.trainer.averaging;

import java.util.Optional;

/**
 * The EMA baseline: after every update θ_EMA ← d·θ_EMA + (1−d)·θ (the first update copies θ). Every
 * {@code publishInterval} updates a copy is handed out for publication. Not thread-safe.
 */
public final class ExponentialMovingAverage<V> implements WeightAverage<V> {

  private final WeightAlgebra<V> algebra;
  private final double decay;
  private final long publishInterval;
  private V average;
  private long updatesSeen;

  /**
   * @param decay d in [0, 1)
   * @param publishInterval updates between publications
   */
  public ExponentialMovingAverage(WeightAlgebra<V> algebra, double decay, long publishInterval) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    }
    if (publishInterval < 1) {
      throw new IllegalArgumentException(
          "EMA publish interval must be >= 1, got " + publishInterval);
    }
    this.algebra = algebra;
    this.decay = decay;
    this.publishInterval = publishInterval;
  }

  @Override
  public Optional<V> afterUpdate(long updates, V theta) {
    if (average == null) {
      average = algebra.copy(theta);
    } else {
      algebra.combine(average, decay, theta, 1 - decay);
    }
    updatesSeen = updates;
    if (updates > 0 && updates % publishInterval == 0) {
      return Optional.of(algebra.copy(average));
    }
    return Optional.empty();
  }

  @Override
  public Optional<V> current() {
    return Optional.ofNullable(average);
  }

  @Override
  public AverageState<V> state() {
    return new AverageState<>(Optional.ofNullable(average), decay, 0, updatesSeen);
  }

  /** Replaces the state with a saved one; takes ownership of its accumulator. */
  @Override
  public void restore(AverageState<V> saved) {
    close();
    average = saved.accumulator().orElse(null);
    updatesSeen = saved.cycles();
  }

  @Override
  public void close() {
    if (average != null) {
      algebra.release(average);
      average = null;
    }
  }
}
