package io.openmede.bench.generalization;

import io.openmede.bench.pretrain.WorldData;
import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import io.openmede.trainer.averaging.ExponentialMovingAverage;
import io.openmede.trainer.averaging.GaussianWeightAverage;
import io.openmede.trainer.averaging.ParameterSetAlgebra;
import io.openmede.trainer.averaging.WeightAverage;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.meta.InnerStep;
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

/**
 * Fine-tunes the pretrained tiny CLIP on base actions in context with plain fine-tuning, Open-MeDe
 * (without and with GWA) and an EMA baseline, all through the trainer's own optimizers and weight
 * averages, and scores them and the frozen model on base/novel in context, novel out of context and
 * scene-only clips (DESIGN.md §6).
 *
 * <p>Per seed, two training runs are made on the same clip stream: plain fine-tuning (its final θ
 * is method {@code plain}, its EMA is {@code plain-ema}) and Open-MeDe (final θ is {@code
 * open-mede}, its GWA is {@code open-mede-gwa}); an average never feeds back into θ, so sharing the
 * trajectory is exact. Only the image tower trains; the text tower is frozen, so class embeddings
 * come from the pretrained model.
 */
final class GeneralizationBenchmark {

  /** Method names in table order. */
  public static final List<String> METHODS =
      List.of("frozen", "plain", "plain-ema", "open-mede", "open-mede-gwa");

  private final Path weights;
  private final BenchmarkConfig config;
  private final SyntheticWorld world;
  private final PrintStream log;
  private final ComputeDevice device;

  /**
   * @param weights the pretrained model to start from
   * @param config size and hyper-parameters
   * @param world the synthetic world (its defaults unless testing)
   * @param log where progress goes
   */
  public GeneralizationBenchmark(
      Path weights, BenchmarkConfig config, SyntheticWorld world, PrintStream log) {
    this.weights = weights;
    this.config = config;
    this.world = world;
    this.log = log;
    this.device = ComputeDevice.CPU;
  }

  /** Runs every seed and method; results in {@link #METHODS} order. */
  public List<MethodResult> run() throws IOException {
    Map<String, List<Scores>> byMethod = new LinkedHashMap<>();
    for (String m : METHODS) {
      byMethod.put(m, new ArrayList<>());
    }
    for (int seed = 1; seed <= config.seeds(); seed++) {
      long started = System.nanoTime();
      Map<String, Scores> s = runSeed(seed);
      s.forEach((m, sc) -> byMethod.get(m).add(sc));
      log.printf(
          Locale.ROOT, "seed %d done in %.0f s%n", seed, (System.nanoTime() - started) / 1e9);
    }
    List<MethodResult> out = new ArrayList<>();
    byMethod.forEach((m, l) -> out.add(new MethodResult(m, List.copyOf(l))));
    return out;
  }

  private record TestData(
      VideoBatch base,
      int[] baseLabels,
      VideoBatch novel,
      int[] novelLabels,
      VideoBatch ooc,
      int[] oocLabels,
      VideoBatch sceneOnly) {}

  private record Classes(ClassEmbeddings base, ClassEmbeddings novel, ClassEmbeddings all) {}

  private static int[] labels(List<Clip> clips, List<Action> actions) {
    int[] l = new int[clips.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = actions.indexOf(clips.get(i).action());
    }
    return l;
  }

  private Map<String, Scores> runSeed(int seed) throws IOException {
    ImagePreprocessor pre = new ImagePreprocessor(world.settings().frameSize());
    long testSeed = 1_000L + seed;
    List<Clip> base = world.baseInContext(config.evalPerAction(), testSeed);
    List<Clip> novel = world.novelInContext(config.evalPerAction(), testSeed);
    List<Clip> ooc = world.novelOutOfContext(config.evalPerAction(), testSeed);
    List<Clip> scene = world.sceneOnly(config.sceneOnlyPerAction(), testSeed);
    TestData test =
        new TestData(
            WorldData.videoBatch(base, pre),
            labels(base, Action.base()),
            WorldData.videoBatch(novel, pre),
            labels(novel, Action.novel()),
            WorldData.videoBatch(ooc, pre),
            labels(ooc, Action.novel()),
            WorldData.videoBatch(scene, pre));
    List<Clip> training = world.trainingClips(config.clipsPerRun(), seed);
    Map<String, Scores> out = new LinkedHashMap<>();
    Classes classes;
    try (ClipModel frozen = ClipModel.load(weights, device)) {
      classes =
          new Classes(
              WorldData.classes(frozen, Action.base()),
              WorldData.classes(frozen, Action.novel()),
              WorldData.classes(frozen, List.of(Action.values())));
      out.put("frozen", evaluate(frozen, test, classes));
    }
    List<TrainingBatch> batches = new ArrayList<>();
    int b = config.batchSize();
    for (int i = 0; i + b <= training.size(); i += b) {
      List<Clip> part = training.subList(i, i + b);
      batches.add(
          new TrainingBatch(
              WorldData.videoBatch(part, pre), labels(part, Action.base()), classes.base()));
    }
    Map<String, Scores> plain = train(seed, false, batches, test, classes);
    Map<String, Scores> meta = train(seed, true, batches, test, classes);
    out.putAll(plain);
    out.putAll(meta);
    for (String m : METHODS) {
      Scores s = out.get(m);
      log.printf(
          Locale.ROOT,
          "seed %d %-14s base %.3f novel %.3f hm %.3f ooc %.3f scene-only-confident %.3f%n",
          seed,
          m,
          s.baseTop1(),
          s.novelTop1(),
          s.harmonicMean(),
          s.oocTop1(),
          s.sceneOnlyConfident());
    }
    return out;
  }

  /** The optimizer settings of one run. */
  OptimizerSettings settings(boolean meta) {
    long total = meta ? config.updates() : (long) config.updates() * 2 * config.tasksPerUpdate();
    long warmup = Math.round(config.warmupFraction() * total);
    return new OptimizerSettings(
        config.tasksPerUpdate(),
        config.batchSize(),
        config.delta(),
        InnerStep.tiedToLearningRate(),
        new LearningRateSchedule(
            config.peakLearningRate(), config.finalLearningRate(), warmup, total),
        new AdamW.Settings(0.9, 0.999, 1e-8, config.weightDecay()),
        OptionalDouble.empty());
  }

  private Map<String, Scores> train(
      int seed, boolean meta, List<TrainingBatch> batches, TestData test, Classes classes)
      throws IOException {
    String name = meta ? "open-mede" : "plain";
    String averaged = meta ? "open-mede-gwa" : "plain-ema";
    Map<String, Scores> out = new LinkedHashMap<>();
    long started = System.nanoTime();
    try (ClipModel model = ClipModel.load(weights, device)) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      int interval = config.updates() / config.gwaSnapshots();
      try (MetaOptimizer opt =
              meta
                  ? new OpenMeDeOptimizer(source, settings(true))
                  : new PlainFineTuning(source, settings(false));
          WeightAverage<ParameterSet> average =
              meta
                  ? new GaussianWeightAverage<>(
                      ParameterSetAlgebra.INSTANCE,
                      config.gwaMu(),
                      config.gwaSigma(),
                      config.gwaSnapshots(),
                      interval,
                      false)
                  : new ExponentialMovingAverage<>(
                      ParameterSetAlgebra.INSTANCE, config.emaDecay(), config.updates())) {
        average.begin(model.parameters());
        Optional<ParameterSet> published = Optional.empty();
        int next = 0;
        for (int u = 1; u <= config.updates(); u++) {
          List<Task> tasks = new ArrayList<>();
          for (int t = 0; t < config.tasksPerUpdate(); t++) {
            tasks.add(new Task(batches.get(next), batches.get(next + 1)));
            next += 2;
          }
          UpdateReport r = opt.update(tasks);
          Optional<ParameterSet> p = average.afterUpdate(u, model.parameters());
          if (p.isPresent()) {
            published.ifPresent(ParameterSet::close);
            published = p;
          }
          if (u % Math.max(1, config.updates() / 5) == 0 || u == config.updates()) {
            log.printf(
                Locale.ROOT,
                "seed %d %-9s update %3d/%d loss %.4f beta %.2e clips %d  %.0f s%n",
                seed,
                name,
                u,
                config.updates(),
                r.loss(),
                r.beta(),
                (long) u * config.clipsPerRun() / config.updates(),
                (System.nanoTime() - started) / 1e9);
          }
        }
        out.put(name, evaluate(model, test, classes));
        ParameterSet avg =
            published.orElseGet(
                () ->
                    average
                        .current()
                        .map(ParameterSet::copy)
                        .orElseGet(() -> model.parameters().copy()));
        try (avg) {
          model.parameters().setFrom(avg);
        }
        out.put(averaged, evaluate(model, test, classes));
      }
    }
    return out;
  }

  /** Scores {@code model} (at its current parameters) on the test sets. */
  private Scores evaluate(ClipModel model, TestData test, Classes classes) {
    double scale = model.logitScale();
    double[][] pb = WorldData.probabilities(embed(model, test.base()), classes.base(), scale);
    double[][] pn = WorldData.probabilities(embed(model, test.novel()), classes.novel(), scale);
    double[][] po = WorldData.probabilities(embed(model, test.ooc()), classes.novel(), scale);
    double[][] ps = WorldData.probabilities(embed(model, test.sceneOnly()), classes.all(), scale);
    int confident = 0;
    for (double[] row : ps) {
      double max = 0;
      for (double p : row) {
        max = Math.max(max, p);
      }
      if (max > config.confidence()) {
        confident++;
      }
    }
    return new Scores(
        topK(pb, test.baseLabels(), 1),
        topK(pb, test.baseLabels(), 5),
        topK(pn, test.novelLabels(), 1),
        topK(pn, test.novelLabels(), 5),
        topK(po, test.oocLabels(), 1),
        topK(po, test.oocLabels(), 5),
        confident / (double) ps.length);
  }

  static double topK(double[][] probabilities, int[] labels, int k) {
    int hit = 0;
    for (int i = 0; i < labels.length; i++) {
      if (WorldData.rank(probabilities[i], labels[i]) < k) {
        hit++;
      }
    }
    return hit / (double) labels.length;
  }

  private static float[][] embed(ClipModel model, VideoBatch all) {
    int chunk = 16;
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
