package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import java.util.OptionalDouble;

/**
 * Every value of the meta-update and of the plain baseline.
 *
 * @param tasksPerUpdate N, tasks per meta-update (paper: 4)
 * @param batchSize B, clips per support or query batch (paper: 8)
 * @param delta δ, weight of the query gradient (paper's text: 1.67e-3; Eq. 8 reads as 1)
 * @param innerStep α, tied to β or fixed
 * @param schedule β(step) for AdamW
 * @param adamw AdamW's betas, epsilon and decoupled weight decay
 * @param maxGradientNorm clip the summed gradient G to this global L2 norm; empty for none
 */
public record OptimizerSettings(
    int tasksPerUpdate,
    int batchSize,
    double delta,
    InnerStep innerStep,
    LearningRateSchedule schedule,
    AdamW.Settings adamw,
    OptionalDouble maxGradientNorm) {

  /** Validates, naming the bad value. */
  public OptimizerSettings {
    if (tasksPerUpdate < 1) {
      throw new IllegalArgumentException("tasks per update must be >= 1, got " + tasksPerUpdate);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (!(delta >= 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("delta must be a finite value >= 0, got " + delta);
    }
    if (maxGradientNorm.isPresent() && !(maxGradientNorm.getAsDouble() > 0)) {
      throw new IllegalArgumentException(
          "max gradient norm must be > 0, got " + maxGradientNorm.getAsDouble());
    }
  }

  /** Paper's learning rate for ViT-B/16 on Kinetics-400 (α = β). */
  public static final double PAPER_PEAK_RATE = 3.33e-6;

  /** Paper's final learning rate after the cosine. */
  public static final double PAPER_FINAL_RATE = 3.33e-8;

  /** Paper's δ. */
  public static final double PAPER_DELTA = 1.67e-3;

  /**
   * The paper's ViT-B/16 values: N = 4, B = 8, α = β, β from 3.33e-6 to 3.33e-8 on a cosine after 2
   * warm-up epochs, δ = 1.67e-3, AdamW (PyTorch defaults, weight decay 0.001 as in Open-VCLIP), no
   * clipping.
   *
   * @param updatesPerEpoch meta-updates per epoch, which fixes the warm-up length
   * @param epochs total epochs of the cosine (paper: 22 for the GWA tool's μ = 15, σ = 10)
   */
  public static OptimizerSettings paperVitB16(long updatesPerEpoch, long epochs) {
    return new OptimizerSettings(
        4,
        8,
        PAPER_DELTA,
        InnerStep.tiedToLearningRate(),
        new LearningRateSchedule(
            PAPER_PEAK_RATE, PAPER_FINAL_RATE, 2 * updatesPerEpoch, epochs * updatesPerEpoch),
        new AdamW.Settings(0.9, 0.999, 1e-8, 0.001),
        OptionalDouble.empty());
  }

  /** A copy with another δ (e.g. 1, as Eq. 8 reads). */
  public OptimizerSettings withDelta(double newDelta) {
    return new OptimizerSettings(
        tasksPerUpdate, batchSize, newDelta, innerStep, schedule, adamw, maxGradientNorm);
  }

  /** Clips consumed by one meta-update: 2·N·B. */
  public int clipsPerUpdate() {
    return 2 * tasksPerUpdate * batchSize;
  }
}
