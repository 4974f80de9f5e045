package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;

/**
 * Open-MeDe's cross-batch meta-update (DESIGN.md §3, Eq. 5–10), exactly:
 *
 * <pre>
 * G = 0
 * for each task (S, Q):
 *     gS = ∇L(θ; S)
 *     θ' = θ − α·gS            (plain SGD on a temporary copy)
 *     gQ = ∇L(θ'; Q)           (first order)
 *     G += gS + δ·gQ
 * (θ itself is never changed inside the loop, so "restore θ" is free)
 * optionally clip G to a global norm
 * θ ← AdamW(θ, G, β(step))     (decoupled weight decay, none on ≤1-D tensors)
 * </pre>
 *
 * A meta-update whose loss or meta-gradient is not finite (NaN, infinite) is skipped: θ, the AdamW
 * moments and the step count stay as they were, and the report counts the skipped step.
 *
 * <p>One call with N tasks is one meta-update (one AdamW step). α is β(step) or fixed (see {@link
 * InnerStep}). Not thread-safe.
 */
public final class OpenMeDeOptimizer implements MetaOptimizer {

  private final GradientSource source;
  private final OptimizerSettings settings;
  private final AdamW adamw;
  private long step;

  /** A fresh optimizer at step 0. */
  public OpenMeDeOptimizer(GradientSource source, OptimizerSettings settings) {
    this(source, settings, new AdamW(settings.adamw()), 0);
  }

  /** Resumes with saved AdamW state at update {@code step}. Takes ownership of {@code adamw}. */
  public OpenMeDeOptimizer(
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
      throw new IllegalArgumentException("a meta-update needs at least one task");
    }
    double beta = settings.schedule().at(step);
    double alpha = settings.innerStep().alpha(beta);
    double delta = settings.delta();
    ParameterSet theta = source.parameters();
    double lossSum = 0;
    int batches = 0;
    int clips = 0;
    int correct = 0;
    double inner = 0;
    double support = 0;
    double query = 0;
    try (ParameterSet g = theta.zerosLike()) {
      for (Task task : tasks) {
        try (LossAndGradient s = source.lossAndGradient(task.support());
            ParameterSet adapted = theta.copy()) {
          adapted.addScaled(s.gradient(), -alpha);
          double gs = s.gradient().globalNorm();
          support += gs;
          inner += alpha * gs;
          try (LossAndGradient q = source.lossAndGradient(adapted, task.query())) {
            query += Math.abs(delta) * q.gradient().globalNorm();
            g.addScaled(s.gradient(), 1.0);
            g.addScaled(q.gradient(), delta);
            lossSum += s.loss() + q.loss();
            correct += s.correct() + q.correct();
          }
        }
        batches += 2;
        clips += task.support().size() + task.query().size();
      }
      double norm = GradientClipping.clip(g, settings.maxGradientNorm());
      boolean finite = UpdateReport.finite(lossSum, norm);
      if (finite) {
        adamw.step(theta, g, beta);
        step++;
      }
      int n = tasks.size();
      return new UpdateReport(
          lossSum / batches,
          clips,
          correct,
          beta,
          alpha,
          norm,
          finite ? 1 : 0,
          inner / n,
          support / n,
          query / n,
          finite ? 0 : 1);
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
