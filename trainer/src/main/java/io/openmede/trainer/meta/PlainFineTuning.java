package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The plain fine-tuning baseline on the same data path: one AdamW step per batch (support, then
 * query, of every task, in stream order), with the same β schedule, clipping and AdamW settings as
 * Open-MeDe. Its {@link #step()} counts AdamW steps. A batch whose loss or gradient is not finite
 * is skipped (θ, the moments and the step count unchanged) and counted in the report. Not
 * thread-safe.
 */
public final class PlainFineTuning implements MetaOptimizer {

  private final GradientSource source;
  private final OptimizerSettings settings;
  private final AdamW adamw;
  private long step;

  /** A fresh optimizer at step 0. */
  public PlainFineTuning(GradientSource source, OptimizerSettings settings) {
    this(source, settings, new AdamW(settings.adamw()), 0);
  }

  /** Resumes with saved AdamW state at step {@code step}. Takes ownership of {@code adamw}. */
  public PlainFineTuning(
      GradientSource source, OptimizerSettings settings, AdamW adamw, long step) {
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
    ParameterSet theta = source.parameters();
    double lossSum = 0;
    int batches = 0;
    int clips = 0;
    int correct = 0;
    double beta = 0;
    double norm = 0;
    double normSum = 0;
    double outerSum = 0;
    int steps = 0;
    int skipped = 0;
    for (Task task : tasks) {
      for (TrainingBatch batch : task.batches()) {
        beta = settings.schedule().at(step);
        try (LossAndGradient lg = source.lossAndGradient(batch)) {
          norm = GradientClipping.clip(lg.gradient(), settings.maxGradientNorm());
          normSum += norm;
          if (UpdateReport.finite(lg.loss(), norm)) {
            try (ParameterSet before = theta.copy()) {
              adamw.step(theta, lg.gradient(), beta);
              outerSum += OpenMeDeOptimizer.distance(theta, before);
            }
            step++;
            steps++;
          } else {
            skipped++;
          }
          lossSum += lg.loss();
          correct += lg.correct();
        }
        batches++;
        clips += batch.size();
      }
    }
    return new UpdateReport(
        lossSum / batches,
        clips,
        correct,
        beta,
        0,
        norm,
        steps,
        0,
        normSum / batches,
        0,
        skipped,
        steps == 0 ? 0 : outerSum / steps,
        OptionalDouble.empty());
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
