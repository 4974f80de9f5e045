package io.openmede.trainer.averaging;

import java.util.Optional;

/**
 * Gaussian weight averaging (GWA), Eq. 11–13 of Open-MeDe in running form.
 *
 * <p>Every {@code interval} (l) optimizer updates a snapshot θ_t is taken, t = 1..R. Its weight is
 * the Gaussian pdf w_t = exp(−(t−μ)²/(2σ²)) / (σ√(2π)). The average is kept as
 *
 * <pre>θ_GWA ← (W_{t−1}/W_t)·θ_GWA + (w_t/W_t)·θ_t,   W_t = Σ_{i≤t} w_i</pre>
 *
 * which equals Σ_t (w_t/W_R)·θ_t after R snapshots. θ0, the weights at the start of a cycle, is
 * excluded by default, as in the paper; with {@code includeInitial} it enters as t = 0 with weight
 * w_0. After R snapshots a cycle ends: the average is handed out for publication and a new one
 * starts (its θ0, when included, is θ at that moment), while θ trains on.
 *
 * <p>Not thread-safe.
 *
 * @param <V> weight vector type
 */
public final class GaussianWeightAverage<V> implements WeightAverage<V> {

  private final WeightAlgebra<V> algebra;
  private final double mu;
  private final double sigma;
  private final int cycleSnapshots;
  private final long interval;
  private final boolean includeInitial;
  private V average;
  private double weightSum;
  private int index;
  private long cycles;

  /**
   * @param mu μ of the Gaussian, in snapshot units
   * @param sigma σ, > 0
   * @param cycleSnapshots R, snapshots per cycle
   * @param interval l, optimizer updates between snapshots
   * @param includeInitial whether θ0 enters as t = 0
   */
  public GaussianWeightAverage(
      WeightAlgebra<V> algebra,
      double mu,
      double sigma,
      int cycleSnapshots,
      long interval,
      boolean includeInitial) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("GWA sigma must be a finite value > 0, got " + sigma);
    }
    if (Double.isNaN(mu) || Double.isInfinite(mu)) {
      throw new IllegalArgumentException("GWA mu must be finite, got " + mu);
    }
    if (cycleSnapshots < 1) {
      throw new IllegalArgumentException(
          "GWA cycle must have >= 1 snapshots, got " + cycleSnapshots);
    }
    if (interval < 1) {
      throw new IllegalArgumentException("GWA snapshot interval must be >= 1, got " + interval);
    }
    this.algebra = algebra;
    this.mu = mu;
    this.sigma = sigma;
    this.cycleSnapshots = cycleSnapshots;
    this.interval = interval;
    this.includeInitial = includeInitial;
  }

  /** w_t: the pdf of N(μ, σ²) at t. */
  public static double weight(double t, double mu, double sigma) {
    double z = (t - mu) / sigma;
    return Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
  }

  /** w_t for this average's μ and σ. */
  public double weight(int t) {
    return weight(t, mu, sigma);
  }

  /**
   * Starts the first cycle from θ0 (only matters when θ0 is included; otherwise a no-op). Call
   * before the first update, and not again after {@link #restore}.
   */
  @Override
  public void begin(V theta0) {
    if (includeInitial && index == 0 && average == null) {
      add(0, theta0);
    }
  }

  /**
   * Adds snapshot θ_t with weight w_t in running form.
   *
   * @param t snapshot index within the cycle
   */
  private void add(int t, V theta) {
    double w = weight(t);
    double previous = weightSum;
    weightSum = previous + w;
    if (average == null) {
      average = algebra.copy(theta);
    } else if (weightSum > 0) {
      algebra.combine(average, previous / weightSum, theta, w / weightSum);
    }
  }

  /** Takes the next snapshot right now, regardless of the interval. */
  public Optional<V> snapshot(V theta) {
    index++;
    add(index, theta);
    if (index < cycleSnapshots) {
      return Optional.empty();
    }
    V finished = average;
    average = null;
    weightSum = 0;
    index = 0;
    cycles++;
    begin(theta);
    return Optional.of(finished);
  }

  @Override
  public Optional<V> afterUpdate(long updates, V theta) {
    if (updates <= 0 || updates % interval != 0) {
      return Optional.empty();
    }
    return snapshot(theta);
  }

  @Override
  public Optional<V> current() {
    return Optional.ofNullable(average);
  }

  @Override
  public AverageState<V> state() {
    return new AverageState<>(Optional.ofNullable(average), weightSum, index, cycles);
  }

  /**
   * Replaces the state with a saved one; takes ownership of its accumulator.
   *
   * @throws IllegalArgumentException when the index is outside the cycle
   */
  @Override
  public void restore(AverageState<V> saved) {
    if (saved.snapshotIndex() < 0 || saved.snapshotIndex() >= cycleSnapshots) {
      throw new IllegalArgumentException(
          "saved snapshot index "
              + saved.snapshotIndex()
              + " is outside a cycle of "
              + cycleSnapshots);
    }
    if (average != null) {
      algebra.release(average);
    }
    average = saved.accumulator().orElse(null);
    weightSum = saved.weightSum();
    index = saved.snapshotIndex();
    cycles = saved.cycles();
  }

  /** μ. */
  public double mu() {
    return mu;
  }

  /** σ. */
  public double sigma() {
    return sigma;
  }

  /** R. */
  public int cycleSnapshots() {
    return cycleSnapshots;
  }

  /** l. */
  public long interval() {
    return interval;
  }

  /** Whether θ0 is included as t = 0. */
  public boolean includesInitial() {
    return includeInitial;
  }

  @Override
  public void close() {
    if (average != null) {
      algebra.release(average);
      average = null;
    }
  }
}
