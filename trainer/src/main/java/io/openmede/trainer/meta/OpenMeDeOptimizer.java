package io.openmede.trainer.meta;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;
import java.util.OptionalDouble;

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
 * <p>One call with N tasks is one meta-update (one AdamW step). α is β(step), fixed, or calibrated
 * to the last outer step, and the inner step may be taken k times (see {@link InnerStep}). The
 * calibration's memory of the last outer step is not part of the saved state: a resumed optimizer
 * starts again from √P for its first update. Not thread-safe.
 */
public final class OpenMeDeOptimizer implements MetaOptimizer {

  private final GradientSource source;
  private final OptimizerSettings settings;
  private final AdamW adamw;
  private long step;
  private double displacementPerRate = Double.NaN;
  private boolean measureMetaTerm;

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

  /**
   * Also measures, on the first task of every update, how much the inner step changes the query
   * gradient: ‖gQ(θ') − gQ(θ)‖ / ‖gQ(θ)‖ ({@link UpdateReport#metaTermRatio()}). A diagnostic: it
   * costs one more gradient per update and leaves the update itself unchanged.
   *
   * @return this optimizer
   */
  public OpenMeDeOptimizer measuringMetaTerm() {
    this.measureMetaTerm = true;
    return this;
  }

  @Override
  public UpdateReport update(List<Task> tasks) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("a meta-update needs at least one task");
    }
    double beta = settings.schedule().at(step);
    InnerStep innerStep = settings.innerStep();
    double delta = settings.delta();
    ParameterSet theta = source.parameters();
    if (!(displacementPerRate > 0)) {
      // AdamW's first step moves every coordinate by β (m̂ / √v̂ = ±1)
      displacementPerRate = Math.sqrt(theta.size());
    }
    double lossSum = 0;
    int batches = 0;
    int clips = 0;
    int correct = 0;
    double inner = 0;
    double support = 0;
    double query = 0;
    double alphaSum = 0;
    OptionalDouble metaTerm = OptionalDouble.empty();
    try (ParameterSet g = theta.zerosLike()) {
      for (Task task : tasks) {
        try (LossAndGradient s = source.lossAndGradient(task.support());
            ParameterSet adapted = theta.copy()) {
          double gs = s.gradient().globalNorm();
          double alpha = innerStep.alpha(beta, gs, displacementPerRate);
          alphaSum += alpha;
          adapted.addScaled(s.gradient(), -alpha);
          for (int k = 1; k < innerStep.steps(); k++) {
            try (LossAndGradient sk = source.lossAndGradient(adapted, task.support())) {
              adapted.addScaled(sk.gradient(), -alpha);
            }
          }
          support += gs;
          inner += innerStep.steps() == 1 ? alpha * gs : distance(adapted, theta);
          try (LossAndGradient q = source.lossAndGradient(adapted, task.query())) {
            if (measureMetaTerm && metaTerm.isEmpty()) {
              metaTerm = OptionalDouble.of(metaTermRatio(task, q.gradient()));
            }
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
      double outer = 0;
      boolean finite = UpdateReport.finite(lossSum, norm);
      if (finite) {
        try (ParameterSet before = theta.copy()) {
          adamw.step(theta, g, beta);
          outer = distance(theta, before);
        }
        if (beta > 0 && outer > 0) {
          displacementPerRate = outer / beta;
        }
        step++;
      }
      int n = tasks.size();
      return new UpdateReport(
          lossSum / batches,
          clips,
          correct,
          beta,
          alphaSum / n,
          norm,
          finite ? 1 : 0,
          inner / n,
          support / n,
          query / n,
          finite ? 0 : 1,
          outer,
          metaTerm);
    }
  }

  /** ‖gQ(θ') − gQ(θ)‖ / ‖gQ(θ)‖ on the task's query batch. */
  private double metaTermRatio(Task task, ParameterSet queryGradientAtAdapted) {
    try (LossAndGradient q0 = source.lossAndGradient(task.query());
        ParameterSet diff = queryGradientAtAdapted.copy()) {
      double base = q0.gradient().globalNorm();
      diff.addScaled(q0.gradient(), -1.0);
      return base > 0 ? diff.globalNorm() / base : 0;
    }
  }

  static double distance(ParameterSet a, ParameterSet b) {
    try (ParameterSet d = a.copy()) {
      d.addScaled(b, -1.0);
      return d.globalNorm();
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
