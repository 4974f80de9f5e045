package io.openmede.bench.generalization;

import io.openmede.bench.pretrain.WorldData;
import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import io.openmede.trainer.averaging.GaussianWeightAverage;
import io.openmede.trainer.averaging.ParameterSetAlgebra;
import io.openmede.trainer.averaging.WeightAverage;
import io.openmede.trainer.eval.LabelSpace;
import io.openmede.trainer.eval.VideoEvaluation;
import io.openmede.trainer.eval.VideoResult;
import io.openmede.trainer.eval.VideoScorer;
import io.openmede.trainer.eval.ViewEmbedding;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.meta.InnerStep;
import io.openmede.trainer.meta.LargeBatchFineTuning;
import io.openmede.trainer.meta.LearningRateSchedule;
import io.openmede.trainer.meta.MetaOptimizer;
import io.openmede.trainer.meta.OpenMeDeOptimizer;
import io.openmede.trainer.meta.OptimizerSettings;
import io.openmede.trainer.meta.PlainFineTuning;
import io.openmede.trainer.meta.Task;
import io.openmede.trainer.meta.TrainingBatch;
import io.openmede.trainer.meta.UpdateReport;
import io.openmede.world.Action;
import io.openmede.world.Clip;
import io.openmede.world.SyntheticWorld;
import io.openmede.world.TestSet;
import io.openmede.world.WorldSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * Fine-tunes the pretrained tiny CLIP on base actions in context with every arm of an equal-budget
 * factorial, through the trainer's own optimizers and weight average, and scores each with the
 * trainer's evaluation engine ({@link VideoScorer}) on base/novel in context, base/novel on the
 * scenes held out of video training (SCUBA-like, world v3: "ooc"), base/novel on never-seen scenes
 * (a covariate-shift diagnostic: "unseen"), the foreign-home set (HAT-like) and scene-only clips
 * (DESIGN.md §6).
 *
 * <p>Per seed, every arm sees the same training clips in the same order and the same test clips.
 * The factorial: plain fine-tuning at batch 2·N·B ({@code plain-2nb}) against the meta-update that
 * acts ({@code open-mede-acting}: δ = 1, an inner step calibrated to the outer step, k inner
 * steps), each with and without GWA; both take one AdamW step per update. Beside it: plain at batch
 * B (the user's alternative: 2·N times more steps), with GWA and the Open-VCLIP-style
 * interpolation; the paper-literal Open-MeDe ({@code open-mede-paper}: α = β, the paper's δ) with
 * and without GWA; the {@code oracle} (plain at B on clips whose scene is independent of the
 * action, in-context scenes only), the diagnostic {@code oracle-every-scene} (plain at B with every
 * in-context and held-out scene independent of the action: can the model see the motion at all?)
 * and the frozen model. An average never feeds back into θ, so GWA shares its arm's trajectory
 * exactly. Only the image tower trains; class embeddings come from the frozen text tower.
 *
 * <p>Each arm's learning rate is tuned first on a validation world (another world seed: another
 * scene assignment, other clips), never on the test world's clips.
 *
 * <p>Cost: each seed (and the validation world) is rendered once for all its arms; each trained arm
 * is scored on a scoring thread while the next arm trains on the caller's; neither changes a figure
 * (SharedValidationWorldIT, ScoringBesideTrainingIT). Not thread-safe; {@link #close} stops the
 * scoring thread.
 */
final class GeneralizationBenchmark implements AutoCloseable {

  /** Method names in table order. */
  static final List<String> METHODS =
      List.of(
          "frozen",
          "oracle",
          "oracle-every-scene",
          "plain",
          "plain-gwa",
          "interp",
          "plain-2nb",
          "plain-2nb-gwa",
          "open-mede-acting",
          "open-mede-acting-gwa",
          "open-mede-paper",
          "open-mede-paper-gwa");

  /** The Open-MeDe methods among which the validation world chooses the one compared to plain. */
  static final List<String> OPEN_MEDE =
      List.of("open-mede-acting", "open-mede-acting-gwa", "open-mede-paper", "open-mede-paper-gwa");

  /** What each Open-MeDe run did to θ, averaged over its updates. */
  record Diagnostics(
      String method,
      int seed,
      double innerStep,
      double outerStep,
      double supportGradient,
      double queryTerm,
      double metaTermRatio) {}

  /**
   * The learning rates chosen on the validation world.
   *
   * @param rates peak β per arm (method name of the arm's trajectory)
   * @param scores validation score per method and candidate rate ("method@rate")
   * @param chosenOpenMeDe the Open-MeDe method (of {@link #OPEN_MEDE}) best on the validation
   *     world; empty when no Open-MeDe arm ran
   * @param validationWorldSeed the validation world's seed
   * @param tuned false when one rate was given for every arm (nothing tuned)
   */
  record Tuning(
      Map<String, Double> rates,
      Map<String, Double> scores,
      Optional<String> chosenOpenMeDe,
      long validationWorldSeed,
      boolean tuned) {}

  /** Everything one run of the benchmark measured. */
  record Outcome(
      List<MethodResult> methods,
      List<Diagnostics> diagnostics,
      Tuning tuning,
      int frozenNovelHit,
      int frozenNovelTotal) {}

  private final Path weights;
  private final BenchmarkConfig config;
  private final Worlds test;
  private final Worlds validation;
  private final PrintStream log;
  private final ArmSelection arms;
  private final ComputeDevice device = ComputeDevice.CPU;
  private final PhaseClock clock = new PhaseClock();

  /**
   * Scores each trained arm while the next one trains (DJL collects gradients for one model at a
   * time in a process, so training stays on the caller's thread); closed by {@link #close}.
   */
  private final ExecutorService scoring =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bench-scoring");
            t.setDaemon(true);
            return t;
          });

  private final boolean overlap;
  private final LabelSpace base = space("base", Action.base());
  private final LabelSpace novel = space("novel", Action.novel());
  private final LabelSpace all = space("all", List.of(Action.values()));

  /**
   * @param weights the pretrained model to start from
   * @param config size and hyper-parameters (its world seed picks the world)
   * @param log where progress goes
   */
  GeneralizationBenchmark(Path weights, BenchmarkConfig config, PrintStream log) {
    this(weights, WorldSettings.DEFAULT_FRAME_SIZE, config, log);
  }

  /**
   * @param frameSize the worlds' frame size in pixels: the model's input resolution (tiny 32, small
   *     48), so that a larger image tower sees finer pixels, not the same ones resized
   */
  GeneralizationBenchmark(Path weights, int frameSize, BenchmarkConfig config, PrintStream log) {
    this(weights, frameSize, config, ArmSelection.all(), log);
  }

  /**
   * @param arms the arms to tune, train and score (the others are not run)
   */
  GeneralizationBenchmark(
      Path weights, int frameSize, BenchmarkConfig config, ArmSelection arms, PrintStream log) {
    this(weights, frameSize, config, arms, true, log);
  }

  /**
   * @param overlap score each arm on the scoring thread while the next trains; false scores it on
   *     the caller's thread before the next trains (the same figures, one core)
   */
  GeneralizationBenchmark(
      Path weights,
      int frameSize,
      BenchmarkConfig config,
      ArmSelection arms,
      boolean overlap,
      PrintStream log) {
    this.overlap = overlap;
    this.arms = arms;
    this.weights = weights;
    this.config = config;
    this.test = Worlds.of(config.worldSeed(), frameSize);
    this.validation = Worlds.of(config.validationWorldSeed(), frameSize);
    this.log = log;
  }

  /** A world and its oracle twin (scene independent of the action), from one world seed. */
  private record Worlds(SyntheticWorld world, SyntheticWorld oracle) {
    static Worlds of(long seed, int frameSize) {
      WorldSettings s = WorldSettings.defaults().withSeed(seed).withFrameSize(frameSize);
      return new Worlds(
          new SyntheticWorld(s),
          new SyntheticWorld(s.withHomeSceneProbability(1.0 / Action.values().length)));
    }
  }

  private static LabelSpace space(String name, List<Action> actions) {
    return new LabelSpace(name, actions.stream().map(Action::label).toList());
  }

  /**
   * Tunes each arm's rate on the validation world, then runs every seed and arm on the test world.
   */
  Outcome run() throws IOException {
    return run(partial -> {});
  }

  /**
   * As {@link #run()}, handing {@code afterSeed} the outcome of the seeds done so far after each
   * seed (for an interim report of a long run).
   */
  Outcome run(java.util.function.Consumer<Outcome> afterSeed) throws IOException {
    Tuning tuning = tune();
    Map<String, List<Scores>> byMethod = new LinkedHashMap<>();
    arms.methods().forEach(m -> byMethod.put(m, new ArrayList<>()));
    List<Diagnostics> diagnostics = new ArrayList<>();
    int[] frozen = new int[2];
    Map<Arm, Double> rates = new LinkedHashMap<>();
    for (Arm arm : arms.trajectories()) {
      rates.put(arm, tuning.rates().get(arm.method));
    }
    long all0 = System.nanoTime();
    for (int seed = 1; seed <= config.seeds(); seed++) {
      long started = System.nanoTime();
      Map<String, Scores> s =
          runSeed(
              prepare(test, seed, 1_000L + seed, ALL_SETS),
              seed,
              rates,
              arms.runs("frozen"),
              diagnostics,
              frozen);
      for (String m : arms.methods()) {
        byMethod.get(m).add(s.get(m));
        logScores("seed " + seed, m, s.get(m));
      }
      double secs = (System.nanoTime() - started) / 1e9;
      double total = (System.nanoTime() - all0) / 1e9;
      log.printf(
          Locale.ROOT,
          "seed %d/%d done in %.0f s, about %.0f s left%n",
          seed,
          config.seeds(),
          secs,
          total / seed * (config.seeds() - seed));
      log.println("time so far, validation world included: " + clock.summary());
      List<MethodResult> partial = new ArrayList<>();
      byMethod.forEach((m, l) -> partial.add(new MethodResult(m, List.copyOf(l))));
      afterSeed.accept(
          new Outcome(partial, List.copyOf(diagnostics), tuning, frozen[0], frozen[1]));
    }
    List<MethodResult> out = new ArrayList<>();
    byMethod.forEach((m, l) -> out.add(new MethodResult(m, l)));
    return new Outcome(out, diagnostics, tuning, frozen[0], frozen[1]);
  }

  /** The validation score a rate is chosen by: the mean of the two primary metrics. */
  static double validationScore(Scores s) {
    return validationScore(s.get("foreign_home_top1"), s.get("novel_ooc"));
  }

  private static double validationScore(double foreignHomeTop1, double novelHeldOutTop1) {
    return (foreignHomeTop1 + novelHeldOutTop1) / 2;
  }

  /** The test sets the validation score needs: the rest is not rendered or scored in tuning. */
  private static final List<TestSet> VALIDATION_SETS =
      List.of(TestSet.NOVEL_HELD_OUT, TestSet.FOREIGN_HOME);

  /** Every test set, in scoring order. */
  private static final List<TestSet> ALL_SETS =
      List.of(
          TestSet.BASE_IN_CONTEXT,
          TestSet.NOVEL_IN_CONTEXT,
          TestSet.BASE_OUT_OF_CONTEXT,
          TestSet.NOVEL_OUT_OF_CONTEXT,
          TestSet.BASE_HELD_OUT,
          TestSet.NOVEL_HELD_OUT,
          TestSet.FOREIGN_HOME,
          TestSet.SCENE_ONLY);

  /**
   * Trains every tuned arm at every candidate rate on the validation world (its own training and
   * test clips, seeds disjoint from the test world's) and keeps, per arm, the rate whose mean
   * validation score over the arm's methods (with and without GWA) is best; the oracle takes
   * plain's rate. Then picks the Open-MeDe method best on the validation world at its arm's rate.
   * Only the arms that run are tuned (plain also when only an oracle runs: they take its rate).
   *
   * <p>The validation world is rendered once and shared by every arm and rate, and only the two
   * sets of the validation score are scored; {@code reference} instead renders every set afresh for
   * each arm and rate and scores it all, as the benchmark once did (for the test that holds the two
   * equal).
   */
  Tuning tune() throws IOException {
    return tune(false);
  }

  Tuning tune(boolean reference) throws IOException {
    List<Double> grid = config.learningRates();
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> rates = new LinkedHashMap<>();
    Map<String, Double> best = new LinkedHashMap<>();
    long started = System.nanoTime();
    boolean oracle = arms.runs(Arm.ORACLE.method) || arms.runs(Arm.ORACLE_EVERY_SCENE.method);
    SeedData shared = null;
    // every arm and rate trains in turn while the scoring thread scores the ones before
    Map<Arm, List<Future<Map<String, Double>>>> runs = new LinkedHashMap<>();
    for (Arm arm : Arm.TUNED) {
      if (!arms.runs(arm.method) && !(arm == Arm.PLAIN && oracle)) {
        continue;
      }
      List<Future<Map<String, Double>>> perRate = new ArrayList<>();
      for (double rate : grid) {
        if (reference) {
          SeedData fresh = prepare(validation, 2_000_001L, 3_000_001L, ALL_SETS);
          perRate.add(
              train(
                  1,
                  arm,
                  rate,
                  fresh.training(),
                  m -> validationScore(evaluate(m, fresh.test(), fresh.classes())),
                  new ArrayList<>()));
        } else {
          if (shared == null) {
            shared = prepare(validation, 2_000_001L, 3_000_001L, VALIDATION_SETS);
          }
          SeedData data = shared;
          perRate.add(
              train(
                  1, arm, rate, data.training(), m -> validationScore(m, data), new ArrayList<>()));
        }
      }
      runs.put(arm, perRate);
    }
    for (Map.Entry<Arm, List<Future<Map<String, Double>>>> run : runs.entrySet()) {
      Arm arm = run.getKey();
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < grid.size(); i++) {
        double rate = grid.get(i);
        Map<String, Double> s = done(run.getValue().get(i));
        double mean = 0;
        for (Map.Entry<String, Double> e : s.entrySet()) {
          double v = e.getValue();
          scores.put(e.getKey() + "@" + rate, v);
          mean += v / s.size();
        }
        log.printf(
            Locale.ROOT,
            "validation world %d: %-16s at beta %.1e: score %.3f (%.0f s)%n",
            config.validationWorldSeed(),
            arm.method,
            rate,
            mean,
            (System.nanoTime() - started) / 1e9);
        if (mean > bestScore) {
          bestScore = mean;
          rates.put(arm.method, rate);
          best.putAll(s);
        }
      }
    }
    rates.put(Arm.ORACLE.method, rates.get(Arm.PLAIN.method));
    rates.put(Arm.ORACLE_EVERY_SCENE.method, rates.get(Arm.PLAIN.method));
    Optional<String> chosen = Optional.empty();
    for (String m : OPEN_MEDE) {
      if (best.containsKey(m) && (chosen.isEmpty() || best.get(m) > best.get(chosen.get()))) {
        chosen = Optional.of(m);
      }
    }
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (Arm arm : arms.trajectories()) {
      ordered.put(arm.method, rates.get(arm.method));
    }
    return new Tuning(ordered, scores, chosen, config.validationWorldSeed(), grid.size() > 1);
  }

  private void logScores(String prefix, String m, Scores s) {
    log.printf(
        Locale.ROOT,
        "%s %-20s base %.3f novel %.3f hm %.3f | scuba base %.3f novel %.3f hm-ic-ooc %.3f"
            + " | foreign-home %.3f (scene %.3f) scene-only home %.3f | never-seen novel %.3f%n",
        prefix,
        m,
        s.get("base_ic"),
        s.get("novel_ic"),
        s.get("hm_b2n"),
        s.get("base_ooc"),
        s.get("novel_ooc"),
        s.get("hm_ic_ooc"),
        s.get("foreign_home_top1"),
        s.get("foreign_home_scene"),
        s.get("scene_only_home"),
        s.get("novel_unseen"));
  }

  /** One seed's test data: the sets, their batches and their specs. */
  private record TestSets(Map<TestSet, List<Clip>> clips, Map<TestSet, VideoBatch> batches) {}

  /**
   * One seed of a world, rendered once and shared by every arm (and, on the validation world, every
   * candidate rate) that runs on it: rendering does not depend on the arm, so each arm sees exactly
   * the pixels it would have rendered itself.
   *
   * @param worlds the world and its oracle twin
   * @param trainSeed seed of the training clips
   * @param test the test sets
   * @param classes every action's class embedding from the frozen text tower
   * @param training the training batches of the arms that train on the world itself
   */
  private record SeedData(
      Worlds worlds,
      long trainSeed,
      TestSets test,
      ClassEmbeddings classes,
      List<TrainingBatch> training) {}

  /**
   * Renders {@code sets} and the training batches of one seed and embeds the class names.
   *
   * @param sets the test sets to render (each from its own random stream: a subset renders the same
   *     clips as the whole)
   */
  private SeedData prepare(Worlds worlds, long trainSeed, long testSeed, List<TestSet> sets)
      throws IOException {
    try (PhaseClock.Lap lap = clock.lap("render")) {
      SyntheticWorld world = worlds.world();
      ImagePreprocessor pre = preprocessor(world);
      Map<TestSet, List<Clip>> clips = new LinkedHashMap<>();
      Map<TestSet, VideoBatch> batches = new LinkedHashMap<>();
      for (TestSet set : sets) {
        clips.put(set, world.testClips(set, clipsPerAction(set), testSeed));
      }
      clips.forEach((set, c) -> batches.put(set, WorldData.videoBatch(c, pre)));
      ClassEmbeddings classes;
      try (ClipModel frozen = ClipModel.load(weights, device)) {
        classes = WorldData.classes(frozen, List.of(Action.values()));
      }
      List<TrainingBatch> training =
          batches(world.trainingClips(config.clipsPerRun(), trainSeed), pre, base.select(classes));
      return new SeedData(worlds, trainSeed, new TestSets(clips, batches), classes, training);
    }
  }

  private int clipsPerAction(TestSet set) {
    return switch (set) {
      case NOVEL_HELD_OUT, FOREIGN_HOME -> config.primaryPerAction();
      case SCENE_ONLY -> config.sceneOnlyPerAction();
      default -> config.evalPerAction();
    };
  }

  private static ImagePreprocessor preprocessor(SyntheticWorld world) {
    return new ImagePreprocessor(world.settings().frameSize());
  }

  /**
   * Trains the arms of {@code rates} on one prepared seed and scores them.
   *
   * @param seed the seed's number (for the log)
   * @param rates the arms to train and their peak rates
   * @param withFrozen also score the frozen model (and count its novel out-of-context hits)
   */
  private Map<String, Scores> runSeed(
      SeedData data,
      int seed,
      Map<Arm, Double> rates,
      boolean withFrozen,
      List<Diagnostics> diagnostics,
      int[] frozenNovel)
      throws IOException {
    Future<Scores> frozen =
        withFrozen
            ? scoreLater(
                () -> {
                  try (ClipModel m = ClipModel.load(weights, device)) {
                    return evaluate(m, data.test(), data.classes());
                  }
                })
            : null;
    List<Future<Map<String, Scores>>> trained = new ArrayList<>();
    for (Map.Entry<Arm, Double> e : rates.entrySet()) {
      Arm arm = e.getKey();
      List<TrainingBatch> training = arm.oracle() ? oracleBatches(data, arm) : data.training();
      trained.add(
          train(
              seed,
              arm,
              e.getValue(),
              training,
              m -> evaluate(m, data.test(), data.classes()),
              diagnostics));
    }
    Map<String, Scores> out = new LinkedHashMap<>();
    if (frozen != null) {
      Scores f = done(frozen);
      out.put("frozen", f);
      int n = data.test().clips().get(TestSet.NOVEL_HELD_OUT).size();
      frozenNovel[0] += (int) Math.round(f.get("novel_ooc") * n);
      frozenNovel[1] += n;
    }
    for (Future<Map<String, Scores>> f : trained) {
      out.putAll(done(f));
    }
    return out;
  }

  /** Runs {@code task} on the scoring thread, or at once when scoring does not overlap. */
  private <T> Future<T> scoreLater(Callable<T> task) {
    if (overlap) {
      return scoring.submit(task);
    }
    FutureTask<T> now = new FutureTask<>(task);
    now.run();
    return now;
  }

  /** Stops the scoring thread (after the scores asked for). */
  @Override
  public void close() {
    scoring.shutdown();
  }

  /** The result of a scoring task, its failure rethrown as it was thrown. */
  private static <T> T done(Future<T> task) throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the scores", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IOException(e.getCause());
    }
  }

  /** An oracle's training batches, rendered when its arm runs (used once, so not kept). */
  private List<TrainingBatch> oracleBatches(SeedData data, Arm arm) {
    try (PhaseClock.Lap lap = clock.lap("render")) {
      List<Clip> clips =
          arm == Arm.ORACLE
              ? data.worlds().oracle().trainingClips(config.clipsPerRun(), data.trainSeed())
              : data.worlds()
                  .world()
                  .everySceneTrainingClips(config.clipsPerRun(), data.trainSeed());
      return batches(clips, preprocessor(data.worlds().world()), base.select(data.classes()));
    }
  }

  private List<TrainingBatch> batches(
      List<Clip> clips, ImagePreprocessor pre, ClassEmbeddings baseClasses) {
    List<TrainingBatch> out = new ArrayList<>();
    int b = config.batchSize();
    for (int i = 0; i + b <= clips.size(); i += b) {
      List<Clip> part = clips.subList(i, i + b);
      int[] labels = new int[b];
      for (int k = 0; k < b; k++) {
        labels[k] = Action.base().indexOf(part.get(k).action());
      }
      out.add(new TrainingBatch(WorldData.videoBatch(part, pre), labels, baseClasses));
    }
    return out;
  }

  /** The trajectories. */
  enum Arm {
    ORACLE("oracle"),
    ORACLE_EVERY_SCENE("oracle-every-scene"),
    PLAIN("plain"),
    PLAIN_2NB("plain-2nb"),
    ACTING("open-mede-acting"),
    PAPER("open-mede-paper");

    /** The arms whose rate is tuned (the oracles take plain's). */
    static final List<Arm> TUNED = List.of(PLAIN, PLAIN_2NB, ACTING, PAPER);

    final String method;

    Arm(String method) {
      this.method = method;
    }

    /** One AdamW step per batch of B clips. */
    boolean perBatch() {
      return this == ORACLE || this == ORACLE_EVERY_SCENE || this == PLAIN;
    }

    boolean averaged() {
      return !oracle();
    }

    /** Trains on its own clips (scene independent of the action), not the world's. */
    boolean oracle() {
      return this == ORACLE || this == ORACLE_EVERY_SCENE;
    }

    boolean meta() {
      return this == ACTING || this == PAPER;
    }
  }

  /** The optimizer settings of one arm at peak rate {@code peak}. */
  OptimizerSettings settings(Arm arm, double peak) {
    long total =
        arm.perBatch() ? (long) config.updates() * 2 * config.tasksPerUpdate() : config.updates();
    long warmup = Math.round(config.warmupFraction() * total);
    double delta = arm == Arm.PAPER ? config.delta() : 1.0;
    InnerStep inner =
        switch (arm) {
          case ACTING -> InnerStep.calibratedToOuterStep().withSteps(config.innerSteps());
          case PAPER ->
              config.alpha().isPresent()
                  ? InnerStep.fixed(config.alpha().getAsDouble())
                  : InnerStep.tiedToLearningRate();
          case ORACLE, ORACLE_EVERY_SCENE, PLAIN, PLAIN_2NB -> InnerStep.fixed(0); // none
        };
    return new OptimizerSettings(
        config.tasksPerUpdate(),
        config.batchSize(),
        delta,
        inner,
        new LearningRateSchedule(peak, peak * config.finalRateFraction(), warmup, total),
        new AdamW.Settings(0.9, 0.999, 1e-8, config.weightDecay()),
        OptionalDouble.empty());
  }

  private MetaOptimizer optimizer(Arm arm, ClipModelGradientSource source, double peak) {
    OptimizerSettings s = settings(arm, peak);
    return switch (arm) {
      case ORACLE, ORACLE_EVERY_SCENE, PLAIN -> new PlainFineTuning(source, s);
      case PLAIN_2NB -> new LargeBatchFineTuning(source, s);
      case ACTING, PAPER -> new OpenMeDeOptimizer(source, s).measuringMetaTerm();
    };
  }

  /**
   * Trains one arm and scores each of its methods (the arm, its GWA average, plain's interpolation)
   * with {@code scorer}.
   */
  private <T> Future<Map<String, T>> train(
      int seed,
      Arm arm,
      double peak,
      List<TrainingBatch> batches,
      Function<ClipModel, T> scorer,
      List<Diagnostics> diagnostics)
      throws IOException {
    String name = arm.method;
    boolean averaged = arm.averaged();
    // the parameters of the arm's other methods, in scoring order (interp, then the average)
    Map<String, ParameterSet> others = new LinkedHashMap<>();
    long started = System.nanoTime();
    ClipModel model = ClipModel.load(weights, device);
    try (ParameterSet theta0 = model.parameters().copy()) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      int interval = config.updates() / config.gwaSnapshots();
      double inner = 0;
      double outer = 0;
      double support = 0;
      double query = 0;
      double ratio = 0;
      try (MetaOptimizer opt = optimizer(arm, source, peak);
          WeightAverage<ParameterSet> average =
              new GaussianWeightAverage<>(
                  ParameterSetAlgebra.INSTANCE,
                  config.gwaMu(),
                  config.gwaSigma(),
                  config.gwaSnapshots(),
                  interval,
                  false)) {
        average.begin(model.parameters());
        Optional<ParameterSet> published = Optional.empty();
        int next = 0;
        try (PhaseClock.Lap training = clock.lap("train")) {
          for (int u = 1; u <= config.updates(); u++) {
            List<Task> tasks = new ArrayList<>();
            for (int t = 0; t < config.tasksPerUpdate(); t++) {
              tasks.add(new Task(batches.get(next), batches.get(next + 1)));
              next += 2;
            }
            UpdateReport r = opt.update(tasks);
            outer += r.outerStepNorm() / config.updates();
            inner += r.innerStepNorm() / config.updates();
            support += r.supportGradientNorm() / config.updates();
            query += r.queryTermNorm() / config.updates();
            ratio += r.metaTermRatio().orElse(0) / config.updates();
            if (averaged) {
              Optional<ParameterSet> p = average.afterUpdate(u, model.parameters());
              if (p.isPresent()) {
                published.ifPresent(ParameterSet::close);
                published = p;
              }
            }
            if (u % Math.max(1, config.updates() / 4) == 0 || u == config.updates()) {
              log.printf(
                  Locale.ROOT,
                  "seed %d %-16s update %3d/%d loss %.4f beta %.2e  %.0f s%n",
                  seed,
                  name,
                  u,
                  config.updates(),
                  r.loss(),
                  r.beta(),
                  (System.nanoTime() - started) / 1e9);
            }
          }
        }
        if (arm.meta()) {
          diagnostics.add(new Diagnostics(name, seed, inner, outer, support, query, ratio));
          log.printf(
              Locale.ROOT,
              "seed %d %-16s mean per update: |theta'-theta| %.3e, |outer step| %.3e, |gS| %.3e,"
                  + " |delta gQ| %.3e (%.3f of |gS|), |gQ(theta') - gQ(theta)|/|gQ| %.4f%n",
              seed,
              name,
              inner,
              outer,
              support,
              query,
              support == 0 ? 0 : query / support,
              ratio);
        }
        if (averaged) {
          ParameterSet avg =
              published.orElseGet(
                  () ->
                      average
                          .current()
                          .map(ParameterSet::copy)
                          .orElseGet(() -> model.parameters().copy()));
          if (arm == Arm.PLAIN) {
            ParameterSet mix = model.parameters().copy();
            others.put("interp", mix);
            mix.scale(config.interpolation());
            mix.addScaled(theta0, 1 - config.interpolation());
          }
          others.put(name + "-gwa", avg);
        }
      }
    } catch (RuntimeException | Error e) {
      others.values().forEach(ParameterSet::close);
      model.close();
      throw e;
    }
    // scored on the scoring thread while the next arm trains; the task owns the model
    return scoreLater(
        () -> {
          try (model) {
            Map<String, T> out = new LinkedHashMap<>();
            out.put(name, scorer.apply(model));
            for (Map.Entry<String, ParameterSet> e : others.entrySet()) {
              model.parameters().setFrom(e.getValue());
              out.put(e.getKey(), scorer.apply(model));
            }
            return out;
          } finally {
            others.values().forEach(ParameterSet::close);
          }
        });
  }

  /**
   * The validation score of {@code model} on {@code data}'s two primary sets, as {@link
   * #validationScore(Scores)} of the full {@link #evaluate} (the same figures, the same sums).
   */
  private double validationScore(ClipModel model, SeedData data) {
    try (PhaseClock.Lap lap = clock.lap("score")) {
      double scale = model.logitScale();
      TestSets t = data.test();
      return validationScore(
          score(model, t, TestSet.FOREIGN_HOME, all, data.classes(), scale).top1(),
          score(model, t, TestSet.NOVEL_HELD_OUT, novel, data.classes(), scale).top1());
    }
  }

  /** Scores {@code model} (at its current parameters) on the test sets. */
  private Scores evaluate(ClipModel model, TestSets test, ClassEmbeddings classes) {
    try (PhaseClock.Lap lap = clock.lap("score")) {
      return evaluateUntimed(model, test, classes);
    }
  }

  private Scores evaluateUntimed(ClipModel model, TestSets test, ClassEmbeddings classes) {
    double scale = model.logitScale();
    Map<String, Double> v = new LinkedHashMap<>();
    VideoEvaluation bic = score(model, test, TestSet.BASE_IN_CONTEXT, base, classes, scale);
    VideoEvaluation nic = score(model, test, TestSet.NOVEL_IN_CONTEXT, novel, classes, scale);
    VideoEvaluation booc = score(model, test, TestSet.BASE_HELD_OUT, base, classes, scale);
    VideoEvaluation nooc = score(model, test, TestSet.NOVEL_HELD_OUT, novel, classes, scale);
    VideoEvaluation bun = score(model, test, TestSet.BASE_OUT_OF_CONTEXT, base, classes, scale);
    VideoEvaluation nun = score(model, test, TestSet.NOVEL_OUT_OF_CONTEXT, novel, classes, scale);
    VideoEvaluation fh = score(model, test, TestSet.FOREIGN_HOME, all, classes, scale);
    VideoEvaluation so = score(model, test, TestSet.SCENE_ONLY, all, classes, scale);
    v.put("base_ic", bic.top1());
    v.put("base_ic_top5", bic.top5());
    v.put("novel_ic", nic.top1());
    v.put("novel_ic_top5", nic.top5());
    v.put("base_ooc", booc.top1());
    v.put("novel_ooc", nooc.top1());
    v.put("novel_ooc_top5", nooc.top5());
    v.put("base_unseen", bun.top1());
    v.put("novel_unseen", nun.top1());
    v.put("foreign_home_top1", fh.top1());
    v.put("foreign_home_scene", followsScene(fh, test.clips().get(TestSet.FOREIGN_HOME)));
    v.put("scene_only_home", followsScene(so, test.clips().get(TestSet.SCENE_ONLY)));
    int confident = 0;
    for (VideoResult r : so.videos()) {
      confident += r.probabilities().get(0) > config.confidence() ? 1 : 0;
    }
    v.put("scene_only_confident", confident / (double) so.videos().size());
    return Scores.of(v);
  }

  /** Share of clips predicted as the home action of their scene. */
  static double followsScene(VideoEvaluation e, List<Clip> clips) {
    int n = 0;
    for (int i = 0; i < clips.size(); i++) {
      Optional<Action> host = clips.get(i).spec().sceneHomeAction();
      if (host.isPresent() && host.get().label().equals(e.videos().get(i).predicted())) {
        n++;
      }
    }
    return clips.isEmpty() ? 0 : n / (double) clips.size();
  }

  private VideoEvaluation score(
      ClipModel model,
      TestSets test,
      TestSet set,
      LabelSpace space,
      ClassEmbeddings classes,
      double scale) {
    float[][] e = embed(model, test.batches().get(set));
    List<Clip> clips = test.clips().get(set);
    List<ViewEmbedding> views = new ArrayList<>(clips.size());
    for (int i = 0; i < clips.size(); i++) {
      views.add(new ViewEmbedding(set + "#" + i, clips.get(i).action().label(), e[i]));
    }
    return VideoScorer.score(views, space, classes, scale);
  }

  private static float[][] embed(ClipModel model, VideoBatch all) {
    int chunk = 32;
    int per = all.frames() * 3 * all.resolution() * all.resolution();
    float[][] out = new float[all.batch()][];
    for (int start = 0; start < all.batch(); start += chunk) {
      int n = Math.min(chunk, all.batch() - start);
      float[] px = new float[n * per];
      System.arraycopy(all.pixels(), start * per, px, 0, n * per);
      float[][] e = model.embedVideos(new VideoBatch(px, n, all.frames(), all.resolution()));
      System.arraycopy(e, 0, out, start, n);
    }
    return out;
  }
}
