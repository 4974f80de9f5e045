package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Plain fine-tuning at batch 2·N·B: one AdamW step per call on the sum of the gradients of every
 * batch of its tasks, all taken at θ. The equal-budget control of Open-MeDe: the same clips, the
 * same order, the same number of optimizer steps, and the same sum (G = Σ gS + gQ) that Open-MeDe
 * forms at α = 0, δ = 1, so that the two differ only by the meta term. The sum, not the mean, is
 * stepped; AdamW is invariant to the gradient's scale up to its ε, and clipping (if set) sees the
 * same norm as Open-MeDe's. An update whose loss or summed gradient is not finite is skipped and
 * counted, as Open-MeDe's is. Not thread-safe.
 */
public final class LargeBatchFineTuning implements MetaOptimizer {

  private final GradientSource source;
  private final OptimizerSettings settings;
  private final AdamW adamw;
  private long step;

  /** A fresh optimizer at step 0. */
  public LargeBatchFineTuning(GradientSource source, OptimizerSettings settings) {
    this(source, settings, new AdamW(settings.adamw()), 0);
  }

  /** Resumes with saved AdamW state at update {@code step}. Takes ownership of {@code adamw}. */
  public LargeBatchFineTuning(
      GradientSource source, OptimizerSettings settings, AdamW adamw, long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    this.source = source;
    this.settings = settings;
    this.adamw = adamw;
    this.step = step;
  }

  @Override
  public UpdateReport update(List<Task> tasks) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("an update needs at least one task");
    }
    double beta = settings.schedule().at(step);
    ParameterSet theta = source.parameters();
    double lossSum = 0;
    double normSum = 0;
    int batches = 0;
    int clips = 0;
    int correct = 0;
    try (ParameterSet g = theta.zerosLike()) {
      for (Task task : tasks) {
        for (TrainingBatch batch : task.batches()) {
          try (LossAndGradient lg = source.lossAndGradient(batch)) {
            g.addScaled(lg.gradient(), 1.0);
            normSum += lg.gradient().globalNorm();
            lossSum += lg.loss();
            correct += lg.correct();
          }
          batches++;
          clips += batch.size();
        }
      }
      double norm = GradientClipping.clip(g, settings.maxGradientNorm());
      double outer = 0;
      boolean finite = UpdateReport.finite(lossSum, norm);
      if (finite) {
        try (ParameterSet before = theta.copy()) {
          adamw.step(theta, g, beta);
          outer = OpenMeDeOptimizer.distance(theta, before);
        }
        step++;
      }
      return new UpdateReport(
          lossSum / batches,
          clips,
          correct,
          beta,
          0,
          norm,
          finite ? 1 : 0,
          0,
          normSum / batches,
          0,
          finite ? 0 : 1,
          outer,
          OptionalDouble.empty());
    }
  }

  @Override
  public long step() {
    return step;
  }

  @Override
  public AdamW adamw() {
    return adamw;
  }

  @Override
  public OptimizerSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    adamw.close();
  }
}
