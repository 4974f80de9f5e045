package io.openmede.trainer.meta;

/**
 * β(step): linear warm-up to {@code peak}, then a cosine decay from {@code peak} to {@code floor}
 * at {@code totalSteps}, constant {@code floor} afterwards. Steps count optimizer updates from 0.
 *
 * <pre>
 * step &lt; warmup:  β = peak · (step + 1) / warmup
 * otherwise:      β = floor + (peak − floor) · (1 + cos(π · min(1, (step − warmup) / (total − warmup)))) / 2
 * </pre>
 *
 * @param peak learning rate after warm-up
 * @param floor learning rate at the end of the cosine
 * @param warmupSteps updates of linear warm-up (0 for none)
 * @param totalSteps updates at which the cosine reaches {@code floor}
 */
public record LearningRateSchedule(double peak, double floor, long warmupSteps, long totalSteps) {

  /** Validates the values, naming the bad one. */
  public LearningRateSchedule {
    if (!(peak >= 0)) {
      throw new IllegalArgumentException("peak learning rate must be >= 0, got " + peak);
    }
    if (!(floor >= 0 && floor <= peak)) {
      throw new IllegalArgumentException(
          "final learning rate " + floor + " must be in [0, peak " + peak + "]");
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
    }
    if (totalSteps < warmupSteps) {
      throw new IllegalArgumentException(
          "total steps " + totalSteps + " are fewer than the warm-up steps " + warmupSteps);
    }
  }

  /** A constant rate. */
  public static LearningRateSchedule constant(double rate) {
    return new LearningRateSchedule(rate, rate, 0, 0);
  }

  /** β at optimizer update {@code step} (0-based). */
  public double at(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    long span = totalSteps - warmupSteps;
    if (span <= 0) {
      return floor;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
    return floor + (peak - floor) * (1 + Math.cos(Math.PI * progress)) / 2;
  }
}
