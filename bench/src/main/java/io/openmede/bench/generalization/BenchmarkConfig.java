package io.openmede.bench.generalization;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Size and hyper-parameters of the generalization benchmark. Every run of one seed sees the same
 * training clips in the same order and the same test clips.
 *
 * @param seeds runs per method (seeds 1..seeds; each seed draws its own training and test clips)
 * @param updates outer updates per run (one AdamW step each for plain-2nb and the Open-MeDe arms;
 *     for plain fine-tuning at batch B each update is 2·N AdamW steps, one per batch, on the same
 *     clips)
 * @param tasksPerUpdate N
 * @param batchSize B, clips per support or query batch
 * @param learningRates candidate peak rates β; each arm's is chosen on the validation world (one
 *     candidate: no tuning, every arm at that rate)
 * @param finalRateFraction β at the end of the cosine, as a fraction of the peak
 * @param warmupFraction share of the run spent in linear warm-up
 * @param delta δ of the paper-literal arm (the paper's 1.67e-3); the acting arm uses δ = 1 (Eq. 8)
 * @param weightDecay AdamW's decoupled weight decay
 * @param gwaSnapshots R, GWA snapshots in the (single) cycle of a run
 * @param gwaMu μ of GWA in snapshot units
 * @param gwaSigma σ of GWA in snapshot units
 * @param interpolation λ of the Open-VCLIP-style interpolation (1 − λ)·θ0 + λ·θ of plain
 *     fine-tuning
 * @param evalPerAction test clips per action of the in-context and out-of-context sets
 * @param sceneOnlyPerAction clips per action of the scene-only set
 * @param primaryPerAction clips per action of the two primary sets: foreign home (HAT-like, all 20
 *     actions) and novel actions on held-out scenes (SCUBA-like)
 * @param confidence a scene-only clip counts as confidently given an action when its largest
 *     softmax probability over all actions exceeds this
 * @param worldSeed the test world's seed (0 by default)
 * @param validationWorldSeed the world the rates are tuned on; must differ from {@code worldSeed}
 * @param alpha a fixed inner step α for the paper-literal arm instead of α = β (a deviation from
 *     the paper); empty: α = β
 * @param innerSteps k, inner steps of the acting arm (whose α is calibrated to the outer step)
 */
record BenchmarkConfig(
    int seeds,
    int updates,
    int tasksPerUpdate,
    int batchSize,
    List<Double> learningRates,
    double finalRateFraction,
    double warmupFraction,
    double delta,
    double weightDecay,
    int gwaSnapshots,
    double gwaMu,
    double gwaSigma,
    double interpolation,
    int evalPerAction,
    int sceneOnlyPerAction,
    int primaryPerAction,
    double confidence,
    long worldSeed,
    long validationWorldSeed,
    OptionalDouble alpha,
    int innerSteps) {

  /** The candidate rates of the default and quick sizes. */
  static final List<Double> RATE_GRID = List.of(3e-5, 1e-4, 3e-4);

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
    learningRates = List.copyOf(learningRates);
    if (learningRates.isEmpty() || learningRates.stream().anyMatch(r -> !(r > 0))) {
      throw new IllegalArgumentException(
          "learning rates must be one or more values > 0, got " + learningRates);
    }
    if (!(finalRateFraction > 0 && finalRateFraction <= 1)) {
      throw new IllegalArgumentException(
          "final rate fraction must be in (0, 1], got " + finalRateFraction);
    }
    if (evalPerAction < 1 || sceneOnlyPerAction < 1 || primaryPerAction < 1) {
      throw new IllegalArgumentException("test sets need at least one clip per action");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    if (!(interpolation >= 0 && interpolation <= 1)) {
      throw new IllegalArgumentException("interpolation must be in [0, 1], got " + interpolation);
    }
    if (validationWorldSeed == worldSeed) {
      throw new IllegalArgumentException(
          "the validation world seed ("
              + validationWorldSeed
              + ") must differ from the test world seed: tune on another world, never on the"
              + " test clips");
    }
    if (innerSteps < 1) {
      throw new IllegalArgumentException("inner steps must be >= 1, got " + innerSteps);
    }
  }

  /** The default size: 8 seeds of 100 updates of 2 tasks of 8, three candidate rates. */
  static BenchmarkConfig defaults() {
    return new BenchmarkConfig(
        8,
        100,
        2,
        8,
        RATE_GRID,
        0.01,
        0.1,
        1.67e-3,
        1e-3,
        10,
        7,
        4.5,
        0.5,
        15,
        5,
        50,
        0.5,
        0,
        1,
        OptionalDouble.empty(),
        1);
  }

  /** The quick size: 2 seeds of 30 updates. */
  static BenchmarkConfig quick() {
    return new BenchmarkConfig(
        2,
        30,
        2,
        8,
        RATE_GRID,
        0.01,
        0.1,
        1.67e-3,
        1e-3,
        10,
        7,
        4.5,
        0.5,
        8,
        3,
        30,
        0.5,
        0,
        1,
        OptionalDouble.empty(),
        1);
  }

  /** A size for tests (seconds): 2 seeds of 2 updates of one task of 2 clips, two rates. */
  static BenchmarkConfig tinyTest() {
    return new BenchmarkConfig(
        2,
        2,
        1,
        2,
        List.of(5e-5, 5e-4),
        0.01,
        0.0,
        1.67e-3,
        1e-3,
        2,
        1.4,
        0.9,
        0.5,
        1,
        1,
        1,
        0.5,
        0,
        1,
        OptionalDouble.empty(),
        1);
  }

  /** Training clips one run consumes: updates · 2·N·B. */
  int clipsPerRun() {
    return updates * 2 * tasksPerUpdate * batchSize;
  }

  /** The hyper-parameters as printable lines. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "test world seed %d; seeds %d; %d updates x %d tasks x 2 batches x %d clips = %d training"
            + " clips per run (base actions in context, the same clips in the same order for every"
            + " arm of a seed)%n"
            + "AdamW (0.9, 0.999, 1e-8, weight decay %s); peak beta per arm chosen among %s on the"
            + " validation world (seed %d: its own scene assignment and clips), cosine to %s of"
            + " the peak, %.0f%% warm-up; image tower trained, text tower frozen%n"
            + "equal-budget factorial (one AdamW step per update, %d steps): plain-2nb (all 2NB"
            + " clips of an update, gradients at theta) vs open-mede-acting, each with and without"
            + " GWA%n"
            + "open-mede-acting, deviations from the paper: delta = 1 (Eq. 8), inner step alpha"
            + " calibrated from |gS| so that |theta' - theta| equals the last outer step (sqrt(P)"
            + " beta before the first), %d inner step(s), first-order%n"
            + "open-mede-paper (the paper's words): alpha = %s, delta = %s, one inner step%n"
            + "plain: batch B, one AdamW step per batch (%d steps, the user's alternative); interp:"
            + " %s theta0 + %s theta(plain); GWA: R = %d snapshots every %d updates, mu = %s,"
            + " sigma = %s, theta0 excluded%n"
            + "oracle: plain on clips whose scene is independent of the action (each of the 20"
            + " in-context scenes with probability 1/20), at plain's rate; oracle-every-scene"
            + " (diagnostic): the same over the 20 in-context and the 10 held-out scenes%n"
            + "world v3 tests: %d clips/action (base in context, novel in context, base on held-out"
            + " scenes, base and novel on never-seen scenes), %d clips/action on the primary sets"
            + " (foreign home = HAT-like over all 20 labels; novel actions on scenes held out of"
            + " video training = SCUBA-like), %d clips/action scene only; scene-only 'confident' ="
            + " max softmax prob over all 20 actions > %s; one temporal view of T frames per clip",
        worldSeed,
        seeds,
        updates,
        tasksPerUpdate,
        batchSize,
        clipsPerRun(),
        weightDecay,
        learningRates,
        validationWorldSeed,
        finalRateFraction,
        100 * warmupFraction,
        updates,
        innerSteps,
        alpha.isPresent() ? alpha.getAsDouble() + " (fixed: a deviation from the paper)" : "beta",
        delta,
        updates * 2 * tasksPerUpdate,
        1 - interpolation,
        interpolation,
        gwaSnapshots,
        updates / gwaSnapshots,
        gwaMu,
        gwaSigma,
        evalPerAction,
        primaryPerAction,
        sceneOnlyPerAction,
        confidence);
  }
}
