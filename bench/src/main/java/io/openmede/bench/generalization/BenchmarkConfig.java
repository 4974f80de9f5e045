package io.openmede.bench.generalization;

import java.util.Locale;

/**
 * Size and hyper-parameters of the generalization benchmark.
 *
 * @param seeds runs per method (seeds 1..seeds; each seed draws its own training and test clips)
 * @param updates optimizer updates per run (meta-updates for Open-MeDe; for plain fine-tuning each
 *     update is one AdamW step per batch, 2·N of them, on the same clips)
 * @param tasksPerUpdate N
 * @param batchSize B, clips per support or query batch
 * @param peakLearningRate β after warm-up (α = β for Open-MeDe, as in the paper)
 * @param finalLearningRate β at the end of the cosine
 * @param warmupFraction share of the run spent in linear warm-up
 * @param delta δ, weight of the query gradient
 * @param weightDecay AdamW's decoupled weight decay
 * @param gwaSnapshots R, GWA snapshots in the (single) cycle of a run
 * @param gwaMu μ of GWA in snapshot units
 * @param gwaSigma σ of GWA in snapshot units
 * @param emaDecay decay of the EMA baseline per update
 * @param evalPerAction test clips per action for the in-context and out-of-context sets
 * @param sceneOnlyPerAction scene-only clips per action
 * @param confidence a scene-only clip counts as confidently given an action when its largest
 *     softmax probability over all actions exceeds this
 */
record BenchmarkConfig(
    int seeds,
    int updates,
    int tasksPerUpdate,
    int batchSize,
    double peakLearningRate,
    double finalLearningRate,
    double warmupFraction,
    double delta,
    double weightDecay,
    int gwaSnapshots,
    double gwaMu,
    double gwaSigma,
    double emaDecay,
    int evalPerAction,
    int sceneOnlyPerAction,
    double confidence) {

  /** Validates, naming the bad value. */
  public BenchmarkConfig {
    if (seeds < 1 || updates < 1 || tasksPerUpdate < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "seeds, updates, tasks per update and batch size must be >= 1");
    }
    if (gwaSnapshots < 1 || updates % gwaSnapshots != 0) {
      throw new IllegalArgumentException(
          "updates ("
              + updates
              + ") must be a multiple of the GWA snapshots ("
              + gwaSnapshots
              + ")");
    }
    if (evalPerAction < 1 || sceneOnlyPerAction < 1) {
      throw new IllegalArgumentException("test sets need at least one clip per action");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
  }

  /** The default size (under 30 minutes on 2 cores): 3 seeds of 120 updates of 2 tasks of 8. */
  public static BenchmarkConfig defaults() {
    return new BenchmarkConfig(
        3, 120, 2, 8, 1e-4, 1e-6, 0.1, 1.67e-3, 1e-3, 10, 7, 4.5, 0.9, 20, 5, 0.5);
  }

  /** The CI smoke size (under 3 minutes): 1 seed of 10 updates. */
  public static BenchmarkConfig quick() {
    return new BenchmarkConfig(
        1, 10, 2, 4, 1e-4, 1e-6, 0.1, 1.67e-3, 1e-3, 5, 3.5, 2.25, 0.9, 3, 2, 0.5);
  }

  /** A size for unit tests (seconds): 1 seed of 2 updates of one task of 2 clips. */
  public static BenchmarkConfig tinyTest() {
    return new BenchmarkConfig(
        1, 2, 1, 2, 5e-5, 5e-7, 0.0, 1.67e-3, 1e-3, 2, 1.4, 0.9, 0.9, 1, 1, 0.5);
  }

  /** Training clips one run consumes: updates · 2·N·B. */
  public int clipsPerRun() {
    return updates * 2 * tasksPerUpdate * batchSize;
  }

  /** The hyper-parameters as printable lines. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "seeds %d; %d updates x %d tasks x 2 batches x %d clips = %d training clips per run (base"
            + " actions in context)%n"
            + "AdamW (0.9, 0.999, 1e-8, weight decay %s); beta %s -> %s, cosine, %.0f%% warm-up;"
            + " plain fine-tuning: one AdamW step per batch, schedule over its %d steps%n"
            + "Open-MeDe: alpha = beta, delta = %s, first-order; GWA: R = %d snapshots every %d"
            + " updates, mu = %s, sigma = %s, theta0 excluded; EMA decay %s per update%n"
            + "tests: %d clips/action (base in context, novel in context, novel out of context),"
            + " %d scene-only clips/action; scene-only 'confident' = max softmax prob over all 20"
            + " actions > %s; one temporal view of T frames per clip",
        seeds,
        updates,
        tasksPerUpdate,
        batchSize,
        clipsPerRun(),
        weightDecay,
        peakLearningRate,
        finalLearningRate,
        100 * warmupFraction,
        updates * 2 * tasksPerUpdate,
        delta,
        gwaSnapshots,
        updates / gwaSnapshots,
        gwaMu,
        gwaSigma,
        emaDecay,
        evalPerAction,
        sceneOnlyPerAction,
        confidence);
  }
}
