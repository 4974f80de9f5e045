package io.openmede.bench.generalization;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Size and hyper-parameters of the generalization benchmark. Every run of one seed sees the same
 * training clips in the same order and the same test clips.
 *
 * @param seeds runs per method (seeds 1..seeds; each seed draws its own training and test clips)
 * @param updates outer updates per run (meta-updates for Open-MeDe; for plain fine-tuning at batch
 *     B each update is 2·N AdamW steps, one per batch, on the same clips)
 * @param tasksPerUpdate N
 * @param batchSize B, clips per support or query batch
 * @param peakLearningRate β after warm-up (α = β for Open-MeDe, as in the paper)
 * @param finalLearningRate β at the end of the cosine
 * @param warmupFraction share of the run spent in linear warm-up
 * @param delta δ of the paper (1.67e-3); the benchmark also runs δ = 1
 * @param weightDecay AdamW's decoupled weight decay
 * @param gwaSnapshots R, GWA snapshots in the (single) cycle of a run
 * @param gwaMu μ of GWA in snapshot units
 * @param gwaSigma σ of GWA in snapshot units
 * @param interpolation λ of the Open-VCLIP-style interpolation (1 − λ)·θ0 + λ·θ of plain
 *     fine-tuning
 * @param evalPerAction test clips per action of the in-context and out-of-context sets
 * @param sceneOnlyPerAction clips per action of the scene-only and foreign-home sets
 * @param confidence a scene-only clip counts as confidently given an action when its largest
 *     softmax probability over all actions exceeds this
 * @param worldSeed the world's seed: 0 is the test world; tune on another (a validation world)
 * @param alpha a fixed inner step α for the Open-MeDe runs instead of α = β (a deviation from the
 *     paper, for a meta term that moves θ' as far as an outer step does); empty: α = β
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
    double interpolation,
    int evalPerAction,
    int sceneOnlyPerAction,
    double confidence,
    long worldSeed,
    OptionalDouble alpha) {

  /** Validates, naming the bad value. */
  BenchmarkConfig {
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
    if (!(interpolation >= 0 && interpolation <= 1)) {
      throw new IllegalArgumentException("interpolation must be in [0, 1], got " + interpolation);
    }
  }

  /** The default size (at most 20 minutes on 2 cores): 8 seeds of 100 updates of 2 tasks of 8. */
  static BenchmarkConfig defaults() {
    return new BenchmarkConfig(
        8,
        100,
        2,
        8,
        1e-4,
        1e-6,
        0.1,
        1.67e-3,
        1e-3,
        10,
        7,
        4.5,
        0.5,
        15,
        5,
        0.5,
        0,
        OptionalDouble.empty());
  }

  /** The quick size (at most 4 minutes): 2 seeds of 30 updates. */
  static BenchmarkConfig quick() {
    return new BenchmarkConfig(
        2,
        30,
        2,
        8,
        1e-4,
        1e-6,
        0.1,
        1.67e-3,
        1e-3,
        10,
        7,
        4.5,
        0.5,
        8,
        3,
        0.5,
        0,
        OptionalDouble.empty());
  }

  /** A size for tests (seconds): 2 seeds of 2 updates of one task of 2 clips. */
  static BenchmarkConfig tinyTest() {
    return new BenchmarkConfig(
        2,
        2,
        1,
        2,
        5e-5,
        5e-7,
        0.0,
        1.67e-3,
        1e-3,
        2,
        1.4,
        0.9,
        0.5,
        1,
        1,
        0.5,
        0,
        OptionalDouble.empty());
  }

  /** Training clips one run consumes: updates · 2·N·B. */
  int clipsPerRun() {
    return updates * 2 * tasksPerUpdate * batchSize;
  }

  /** The hyper-parameters as printable lines. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "world seed %d; seeds %d; %d updates x %d tasks x 2 batches x %d clips = %d training clips"
            + " per run (base actions in context, the same clips in the same order for every"
            + " method of a seed)%n"
            + "AdamW (0.9, 0.999, 1e-8, weight decay %s); beta %s -> %s, cosine, %.0f%% warm-up;"
            + " image tower trained, text tower frozen%n"
            + "plain: batch B, one AdamW step per batch (%d steps, schedule over them);"
            + " plain-2nb: one step per update on all 2NB clips (= Open-MeDe with alpha 0,"
            + " delta 1); interp: %s theta0 + %s theta(plain)%n"
            + "Open-MeDe: alpha = %s, first-order, delta = 1 (open-mede-d1) and delta = %s"
            + " (open-mede); GWA: R = %d snapshots every %d updates, mu = %s, sigma = %s,"
            + " theta0 excluded%n"
            + "oracle: plain on clips whose scene is independent of the action (each of the 20"
            + " in-context scenes with probability 1/20)%n"
            + "tests: %d clips/action (base and novel, in and out of context), %d clips/action"
            + " (foreign home, scene only); scene-only 'confident' = max softmax prob over all 20"
            + " actions > %s; one temporal view of T frames per clip; hyper-parameters not tuned"
            + " on the test world",
        worldSeed,
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
        1 - interpolation,
        interpolation,
        alpha.isPresent() ? alpha.getAsDouble() + " (fixed: a deviation from the paper)" : "beta",
        delta,
        gwaSnapshots,
        updates / gwaSnapshots,
        gwaMu,
        gwaSigma,
        evalPerAction,
        sceneOnlyPerAction,
        confidence);
  }
}
