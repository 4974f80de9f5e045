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
import io.openmede.trainer.meta.LearningRateSchedule;
import io.openmede.trainer.meta.MetaOptimizer;
import io.openmede.trainer.meta.OpenMeDeOptimizer;
import io.openmede.trainer.meta.OptimizerSettings;
import io.openmede.trainer.meta.PlainFineTuning;
import io.openmede.trainer.meta.Task;
import io.openmede.trainer.meta.TrainingBatch;
import io.openmede.trainer.meta.UpdateReport;
import io.openmede.world.Action;
import io.openmede.world.CaptionCorpus;
import io.openmede.world.CaptionedStill;
import io.openmede.world.Clip;
import io.openmede.world.ClipSpec;
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

/**
 * Fine-tunes the pretrained tiny CLIP on base actions in context with every method of the
 * comparison, through the trainer's own optimizers and weight average, and scores each with the
 * trainer's evaluation engine ({@link VideoScorer}) on base/novel × in/out of context, the
 * foreign-home set and scene-only clips (DESIGN.md §6).
 *
 * <p>Per seed, every method sees the same training clips in the same order and the same test clips.
 * Five trajectories are trained: plain at batch B (giving {@code plain}, {@code plain-gwa} and
 * {@code interp}), {@code plain-2nb}, Open-MeDe at δ = 1 and at the paper's δ (each with and
 * without GWA), and the {@code oracle} on scene-independent clips. An average never feeds back into
 * θ, so sharing a trajectory is exact. Only the image tower trains; class embeddings come from the
 * frozen text tower.
 */
final class GeneralizationBenchmark {

  /** Method names in table order. */
  static final List<String> METHODS =
      List.of(
          "frozen",
          "oracle",
          "plain",
          "plain-2nb",
          "plain-gwa",
          "interp",
          "open-mede-d1",
          "open-mede-d1-gwa",
          "open-mede",
          "open-mede-gwa");

  /** What each Open-MeDe run did to θ, averaged over its updates. */
  record Diagnostics(
      String method,
      int seed,
      double innerStep,
      double outerStep,
      double supportGradient,
      double queryTerm) {}

  /** Everything one run of the benchmark measured. */
  record Outcome(
      List<MethodResult> methods,
      List<Diagnostics> diagnostics,
      int stillsHit,
      int stillsTotal,
      int oracleOocHit,
      int oracleOocTotal) {}

  private final Path weights;
  private final BenchmarkConfig config;
  private final SyntheticWorld world;
  private final SyntheticWorld oracleWorld;
  private final PrintStream log;
  private final ComputeDevice device = ComputeDevice.CPU;
  private final LabelSpace base = space("base", Action.base());
  private final LabelSpace novel = space("novel", Action.novel());
  private final LabelSpace all = space("all", List.of(Action.values()));

  /**
   * @param weights the pretrained model to start from
   * @param config size and hyper-parameters (its world seed picks the world)
   * @param log where progress goes
   */
  GeneralizationBenchmark(Path weights, BenchmarkConfig config, PrintStream log) {
    this.weights = weights;
    this.config = config;
    WorldSettings s = WorldSettings.defaults().withSeed(config.worldSeed());
    this.world = new SyntheticWorld(s);
    this.oracleWorld = new SyntheticWorld(s.withHomeSceneProbability(1.0 / Action.values().length));
    this.log = log;
  }

  private static LabelSpace space(String name, List<Action> actions) {
    return new LabelSpace(name, actions.stream().map(Action::label).toList());
  }

  /** Runs every seed and method. */
  Outcome run() throws IOException {
    Map<String, List<Scores>> byMethod = new LinkedHashMap<>();
    METHODS.forEach(m -> byMethod.put(m, new ArrayList<>()));
    List<Diagnostics> diagnostics = new ArrayList<>();
    int[] gate = new int[4];
    long all0 = System.nanoTime();
    for (int seed = 1; seed <= config.seeds(); seed++) {
      long started = System.nanoTime();
      Map<String, Scores> s = runSeed(seed, diagnostics, gate);
      s.forEach((m, sc) -> byMethod.get(m).add(sc));
      double secs = (System.nanoTime() - started) / 1e9;
      double total = (System.nanoTime() - all0) / 1e9;
      log.printf(
          Locale.ROOT,
          "seed %d/%d done in %.0f s, about %.0f s left%n",
          seed,
          config.seeds(),
          secs,
          total / seed * (config.seeds() - seed));
    }
    List<MethodResult> out = new ArrayList<>();
    byMethod.forEach((m, l) -> out.add(new MethodResult(m, l)));
    return new Outcome(out, diagnostics, gate[0], gate[1], gate[2], gate[3]);
  }

  /** One seed's test data: the sets, their batches and their specs. */
  private record TestSets(Map<TestSet, List<Clip>> clips, Map<TestSet, VideoBatch> batches) {}

  private Map<String, Scores> runSeed(int seed, List<Diagnostics> diagnostics, int[] gate)
      throws IOException {
    ImagePreprocessor pre = new ImagePreprocessor(world.settings().frameSize());
    long testSeed = 1_000L + seed;
    Map<TestSet, List<Clip>> clips = new LinkedHashMap<>();
    Map<TestSet, VideoBatch> batches = new LinkedHashMap<>();
    for (TestSet set :
        List.of(
            TestSet.BASE_IN_CONTEXT,
            TestSet.NOVEL_IN_CONTEXT,
            TestSet.BASE_OUT_OF_CONTEXT,
            TestSet.NOVEL_OUT_OF_CONTEXT)) {
      clips.put(set, world.testClips(set, config.evalPerAction(), testSeed));
    }
    for (TestSet set : List.of(TestSet.FOREIGN_HOME, TestSet.SCENE_ONLY)) {
      clips.put(set, world.testClips(set, config.sceneOnlyPerAction(), testSeed));
    }
    clips.forEach((set, c) -> batches.put(set, WorldData.videoBatch(c, pre)));
    TestSets test = new TestSets(clips, batches);
    Map<String, Scores> out = new LinkedHashMap<>();
    ClassEmbeddings classes;
    try (ClipModel frozen = ClipModel.load(weights, device)) {
      classes = WorldData.classes(frozen, List.of(Action.values()));
      out.put("frozen", evaluate(frozen, test, classes));
      int[] stills = novelOocStills(frozen, testSeed, classes, pre);
      gate[0] += stills[0];
      gate[1] += stills[1];
    }
    ClassEmbeddings baseClasses = base.select(classes);
    List<TrainingBatch> training =
        batches(world.trainingClips(config.clipsPerRun(), seed), pre, baseClasses);
    List<TrainingBatch> oracle =
        batches(oracleWorld.trainingClips(config.clipsPerRun(), seed), pre, baseClasses);
    Map<String, Scores> o = train(seed, Kind.ORACLE, oracle, test, classes, diagnostics);
    out.put("oracle", o.get("oracle"));
    int oocN = test.clips().get(TestSet.NOVEL_OUT_OF_CONTEXT).size();
    gate[2] += (int) Math.round(o.get("oracle").get("novel_ooc") * oocN);
    gate[3] += oocN;
    out.putAll(train(seed, Kind.PLAIN, training, test, classes, diagnostics));
    out.putAll(train(seed, Kind.PLAIN_2NB, training, test, classes, diagnostics));
    out.putAll(train(seed, Kind.META_D1, training, test, classes, diagnostics));
    out.putAll(train(seed, Kind.META, training, test, classes, diagnostics));
    Map<String, Scores> ordered = new LinkedHashMap<>();
    for (String m : METHODS) {
      Scores s = out.get(m);
      ordered.put(m, s);
      log.printf(
          Locale.ROOT,
          "seed %d %-16s base %.3f novel %.3f hm %.3f | ooc base %.3f novel %.3f hm-ic-ooc %.3f"
              + " | foreign-home %.3f (scene %.3f) scene-only home %.3f%n",
          seed,
          m,
          s.get("base_ic"),
          s.get("novel_ic"),
          s.get("hm_b2n"),
          s.get("base_ooc"),
          s.get("novel_ooc"),
          s.get("hm_ic_ooc"),
          s.get("foreign_home_top1"),
          s.get("foreign_home_scene"),
          s.get("scene_only_home"));
    }
    return ordered;
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

  /** The frozen model's zero-shot top-1 on motion-trail stills of the novel out-of-context set. */
  private int[] novelOocStills(
      ClipModel frozen, long testSeed, ClassEmbeddings classes, ImagePreprocessor pre) {
    CaptionCorpus corpus = new CaptionCorpus(world);
    List<CaptionedStill> stills = new ArrayList<>();
    for (ClipSpec spec :
        world.testSpecs(TestSet.NOVEL_OUT_OF_CONTEXT, config.evalPerAction(), testSeed)) {
      stills.add(corpus.still(spec, CaptionCorpus.Style.MOTION_TRAIL));
    }
    float[][] emb =
        WorldData.unitRows(frozen.encodeImages(WorldData.stillPixels(stills, pre), stills.size()));
    List<ViewEmbedding> views = new ArrayList<>();
    for (int i = 0; i < stills.size(); i++) {
      views.add(new ViewEmbedding("still#" + i, stills.get(i).action().label(), emb[i]));
    }
    VideoEvaluation e = VideoScorer.score(views, novel, classes, frozen.logitScale());
    int hit = (int) e.videos().stream().filter(v -> v.rank() == 0).count();
    return new int[] {hit, stills.size()};
  }

  /** The trajectories. */
  private enum Kind {
    ORACLE("oracle"),
    PLAIN("plain"),
    PLAIN_2NB("plain-2nb"),
    META_D1("open-mede-d1"),
    META("open-mede");

    final String method;

    Kind(String method) {
      this.method = method;
    }

    boolean perBatch() {
      return this == ORACLE || this == PLAIN;
    }

    boolean averaged() {
      return this == PLAIN || this == META_D1 || this == META;
    }
  }

  /** The optimizer settings of one trajectory. */
  OptimizerSettings settings(Kind kind) {
    boolean perBatch = kind.perBatch();
    long total =
        perBatch ? (long) config.updates() * 2 * config.tasksPerUpdate() : config.updates();
    long warmup = Math.round(config.warmupFraction() * total);
    double delta =
        switch (kind) {
          case META -> config.delta();
          case META_D1, PLAIN_2NB -> 1.0;
          case PLAIN, ORACLE -> config.delta(); // unused: plain takes no inner step
        };
    return new OptimizerSettings(
        config.tasksPerUpdate(),
        config.batchSize(),
        delta,
        kind == Kind.PLAIN_2NB
            ? InnerStep.fixed(0)
            : config.alpha().isPresent()
                ? InnerStep.fixed(config.alpha().getAsDouble())
                : InnerStep.tiedToLearningRate(),
        new LearningRateSchedule(
            config.peakLearningRate(), config.finalLearningRate(), warmup, total),
        new AdamW.Settings(0.9, 0.999, 1e-8, config.weightDecay()),
        OptionalDouble.empty());
  }

  private Map<String, Scores> train(
      int seed,
      Kind kind,
      List<TrainingBatch> batches,
      TestSets test,
      ClassEmbeddings classes,
      List<Diagnostics> diagnostics)
      throws IOException {
    String name = kind.method;
    boolean averaged = kind.averaged();
    Map<String, Scores> out = new LinkedHashMap<>();
    long started = System.nanoTime();
    try (ClipModel model = ClipModel.load(weights, device);
        ParameterSet theta0 = model.parameters().copy()) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      int interval = config.updates() / config.gwaSnapshots();
      double inner = 0;
      double outer = 0;
      double support = 0;
      double query = 0;
      try (MetaOptimizer opt =
              kind.perBatch()
                  ? new PlainFineTuning(source, settings(kind))
                  : new OpenMeDeOptimizer(source, settings(kind));
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
        for (int u = 1; u <= config.updates(); u++) {
          List<Task> tasks = new ArrayList<>();
          for (int t = 0; t < config.tasksPerUpdate(); t++) {
            tasks.add(new Task(batches.get(next), batches.get(next + 1)));
            next += 2;
          }
          UpdateReport r;
          try (ParameterSet before = model.parameters().copy()) {
            r = opt.update(tasks);
            before.addScaled(model.parameters(), -1);
            outer += before.globalNorm() / config.updates();
          }
          inner += r.innerStepNorm() / config.updates();
          support += r.supportGradientNorm() / config.updates();
          query += r.queryTermNorm() / config.updates();
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
                "seed %d %-12s update %3d/%d loss %.4f beta %.2e  %.0f s%n",
                seed,
                name,
                u,
                config.updates(),
                r.loss(),
                r.beta(),
                (System.nanoTime() - started) / 1e9);
          }
        }
        if (kind == Kind.META || kind == Kind.META_D1) {
          Diagnostics d = new Diagnostics(name, seed, inner, outer, support, query);
          diagnostics.add(d);
          log.printf(
              Locale.ROOT,
              "seed %d %-12s mean per update: |theta'-theta| %.3e, |outer step| %.3e, |gS| %.3e,"
                  + " |delta gQ| %.3e (%.3f of |gS|)%n",
              seed,
              name,
              inner,
              outer,
              support,
              query,
              support == 0 ? 0 : query / support);
        }
        out.put(name, evaluate(model, test, classes));
        if (averaged) {
          try (ParameterSet avg =
              published.orElseGet(
                  () ->
                      average
                          .current()
                          .map(ParameterSet::copy)
                          .orElseGet(() -> model.parameters().copy()))) {
            if (kind == Kind.PLAIN) {
              try (ParameterSet mix = model.parameters().copy()) {
                mix.scale(config.interpolation());
                mix.addScaled(theta0, 1 - config.interpolation());
                model.parameters().setFrom(mix);
              }
              out.put("interp", evaluate(model, test, classes));
            }
            model.parameters().setFrom(avg);
            out.put(name + "-gwa", evaluate(model, test, classes));
          }
        }
      }
    }
    return out;
  }

  /** Scores {@code model} (at its current parameters) on the test sets. */
  private Scores evaluate(ClipModel model, TestSets test, ClassEmbeddings classes) {
    double scale = model.logitScale();
    Map<String, Double> v = new LinkedHashMap<>();
    VideoEvaluation bic = score(model, test, TestSet.BASE_IN_CONTEXT, base, classes, scale);
    VideoEvaluation nic = score(model, test, TestSet.NOVEL_IN_CONTEXT, novel, classes, scale);
    VideoEvaluation booc = score(model, test, TestSet.BASE_OUT_OF_CONTEXT, base, classes, scale);
    VideoEvaluation nooc = score(model, test, TestSet.NOVEL_OUT_OF_CONTEXT, novel, classes, scale);
    VideoEvaluation fh = score(model, test, TestSet.FOREIGN_HOME, all, classes, scale);
    VideoEvaluation so = score(model, test, TestSet.SCENE_ONLY, all, classes, scale);
    v.put("base_ic", bic.top1());
    v.put("base_ic_top5", bic.top5());
    v.put("novel_ic", nic.top1());
    v.put("novel_ic_top5", nic.top5());
    v.put("base_ooc", booc.top1());
    v.put("novel_ooc", nooc.top1());
    v.put("novel_ooc_top5", nooc.top5());
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
