package io.openmede.trainer.averaging;

import java.util.Optional;

/**
 * The uniform averaging baseline (SWA): a snapshot every l updates, all with equal weight, in
 * cycles of R snapshots like {@link GaussianWeightAverage}. Not thread-safe.
 */
public final class StochasticWeightAverage<V> implements WeightAverage<V> {

  private final WeightAlgebra<V> algebra;
  private final int cycleSnapshots;
  private final long interval;
  private V average;
  private int index;
  private long cycles;

  /**
   * @param cycleSnapshots R
   * @param interval l
   */
  public StochasticWeightAverage(WeightAlgebra<V> algebra, int cycleSnapshots, long interval) {
    if (cycleSnapshots < 1 || interval < 1) {
      throw new IllegalArgumentException(
          "SWA needs cycle >= 1 and interval >= 1, got " + cycleSnapshots + " and " + interval);
    }
    this.algebra = algebra;
    this.cycleSnapshots = cycleSnapshots;
    this.interval = interval;
  }

  @Override
  public Optional<V> afterUpdate(long updates, V theta) {
    if (updates <= 0 || updates % interval != 0) {
      return Optional.empty();
    }
    index++;
    if (average == null) {
      average = algebra.copy(theta);
    } else {
      algebra.combine(average, (index - 1.0) / index, theta, 1.0 / index);
    }
    if (index < cycleSnapshots) {
      return Optional.empty();
    }
    V finished = average;
    average = null;
    index = 0;
    cycles++;
    return Optional.of(finished);
  }

  @Override
  public Optional<V> current() {
    return Optional.ofNullable(average);
  }

  @Override
  public AverageState<V> state() {
    return new AverageState<>(Optional.ofNullable(average), index, index, cycles);
  }

  /** Replaces the state with a saved one; takes ownership of its accumulator. */
  @Override
  public void restore(AverageState<V> saved) {
    close();
    average = saved.accumulator().orElse(null);
    index = saved.snapshotIndex();
    cycles = saved.cycles();
  }

  @Override
  public void close() {
    if (average != null) {
      algebra.release(average);
      average = null;
    }
  }
}
