package io.openmede.bench.openset;

import io.openmede.bench.pretrain.WorldData;
import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.ImagePreprocessor;
import io.openmede.model.VideoBatch;
import io.openmede.model.openset.KnownRegion;
import io.openmede.model.openset.LearnedBackground;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.openset.ThresholdScope;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.model.train.AdamW;
import io.openmede.trainer.eval.OpenSetFitting;
import io.openmede.trainer.eval.ViewEmbedding;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.meta.InnerStep;
import io.openmede.trainer.meta.LearningRateSchedule;
import io.openmede.trainer.meta.OptimizerSettings;
import io.openmede.trainer.meta.PlainFineTuning;
import io.openmede.trainer.meta.Task;
import io.openmede.trainer.meta.TrainingBatch;
import io.openmede.world.Action;
import io.openmede.world.CameraSettings;
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
import java.util.OptionalDouble;

/**
 * Compares the open-set scores ({@link OpenSetScore}) on the synthetic world with the vocabulary of
 * its 13 base actions, for the frozen pretrained tiny CLIP and a plain fine-tuned checkpoint: which
 * score best tells a window where a known action happens from one where nothing of the vocabulary
 * happens (an unknown, novel action, or the scene alone, in and out of context).
 *
 * <p>Per seed, thresholds are fitted as the trainer fits them ({@link OpenSetFitting#fit}: per
 * label or on window scores, for the target recall, negatives for the width, the learned class
 * cross-fitted) on a calibration draw (known: base actions in context; negatives: scene-only clips
 * and novel actions in context), and every figure is measured on another draw: AUROC of the window
 * score (known against unknown and empty), the false alarm rate at 90 % recall of a global
 * threshold on the window score, the recall and false alarm rate of the calibrated per-label
 * thresholds, and, for a rule that needs 2 consecutive windows of one label, the false episodes per
 * camera-hour on scene-only streams (each stream: windows of one empty scene, 8 frames at the world
 * camera's 10 fps). The text tower is frozen, as in the trainer.
 */
final class OpenSetBenchmark {

  /**
   * The size of a run.
   *
   * @param seeds independent calibration and test draws (the fine-tuned checkpoint is one)
   * @param perAction test clips per action and set (calibration: the same)
   * @param sceneWindows windows per scene-only stream
   * @param updates plain fine-tuning updates (2 tasks of 2 batches of 8 clips each)
   * @param recall the target recall of the calibrated thresholds
   * @param background background class names (the background score)
   * @param sceneNegatives scene-only clips per action in the calibration draw's negatives
   * @param scope per-label thresholds or one on window scores, as trainer.openset.thresholds
   * @param validation whether the validation draws are measured too (before the test draws)
   * @param folds cross-fitting folds of the learned-background thresholds, as trainer.openset.folds
   * @param regionRecall the share of calibration known clips the known region keeps, as
   *     trainer.openset.region.recall
   */
  record Config(
      int seeds,
      int perAction,
      int sceneWindows,
      int updates,
      double recall,
      List<String> background,
      int sceneNegatives,
      ThresholdScope scope,
      boolean validation,
      int folds,
      double regionRecall) {}

  /**
   * Where a run's draws come from: per seed s, the calibration draw is world seed {@code
   * calibrationBase + s} and the test draw {@code testBase + s}. The validation draws (4001..,
   * 5001..) are the ones design choices are made on; the test draws (2001.., 3001..) are measured
   * once, for the figures reported.
   */
  record Draws(String name, long calibrationBase, long testBase) {
    static final Draws TEST = new Draws("test", 2_000L, 3_000L);
    static final Draws VALIDATION = new Draws("validation", 4_000L, 5_000L);
  }

  /** One figure per seed. */
  record Figures(Map<String, List<Double>> byKey) {
    Figures() {
      this(new LinkedHashMap<>());
    }

    void add(String key, double v) {
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    double mean(String key) {
      return byKey.get(key).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double sd(String key) {
      List<Double> v = byKey.get(key);
      if (v.size() < 2) {
        return 0;
      }
      double m = mean(key);
      double s = 0;
      for (double x : v) {
        s += (x - m) * (x - m);
      }
      return Math.sqrt(s / (v.size() - 1));
    }
  }

  static final int BATCH = 8;
  static final int TASKS = 2;

  private final Path weights;
  private final Config config;
  private final PrintStream log;
  private final SyntheticWorld world = new SyntheticWorld(WorldSettings.defaults());
  private final ImagePreprocessor pre;
  private final List<String> base = Action.base().stream().map(Action::label).toList();

  /** The learned background class of the seed being measured (fitted on its calibration draw). */
  private LearnedBackground learned;

  OpenSetBenchmark(Path weights, Config config, PrintStream log) {
    this.weights = weights;
    this.config = config;
    this.log = log;
    this.pre = new ImagePreprocessor(world.settings().frameSize());
  }

  /**
   * Figures per model and draws ("frozen", "fine-tuned" on the test draws; "frozen, validation",
   * "fine-tuned, validation" when asked), keyed {@code <kind>.<figure>}.
   */
  Map<String, Figures> run() throws IOException {
    Map<String, Figures> out = new LinkedHashMap<>();
    try (ClipModel frozen = ClipModel.load(weights, ComputeDevice.CPU)) {
      measureAll(out, "frozen", frozen);
    }
    try (ClipModel tuned = ClipModel.load(weights, ComputeDevice.CPU)) {
      fineTune(tuned);
      measureAll(out, "fine-tuned", tuned);
    }
    return out;
  }

  private void measureAll(Map<String, Figures> out, String name, ClipModel model) {
    if (config.validation()) {
      String v = name + ", validation";
      out.put(v, measure(v, model, Draws.VALIDATION));
    }
    out.put(name, measure(name, model, Draws.TEST));
  }

  private void fineTune(ClipModel model) {
    long started = System.nanoTime();
    ClassEmbeddings classes = classes(model, base);
    long steps = (long) config.updates() * TASKS * 2;
    OptimizerSettings settings =
        new OptimizerSettings(
            TASKS,
            BATCH,
            1.0,
            InnerStep.tiedToLearningRate(),
            new LearningRateSchedule(1e-4, 1e-6, Math.round(0.1 * steps), steps),
            new AdamW.Settings(0.9, 0.999, 1e-8, 1e-3),
            OptionalDouble.empty());
    List<Clip> clips = world.trainingClips(config.updates() * TASKS * 2 * BATCH, 1);
    try (PlainFineTuning opt = new PlainFineTuning(new ClipModelGradientSource(model), settings)) {
      int next = 0;
      for (int u = 1; u <= config.updates(); u++) {
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
          tasks.add(new Task(batch(clips, next, classes), batch(clips, next + BATCH, classes)));
          next += 2 * BATCH;
        }
        double loss = opt.update(tasks).loss();
        if (u % Math.max(1, config.updates() / 4) == 0) {
          log.printf(
              Locale.ROOT,
              "plain fine-tuning update %d/%d loss %.4f  %.0f s%n",
              u,
              config.updates(),
              loss,
              (System.nanoTime() - started) / 1e9);
        }
      }
    }
  }

  private TrainingBatch batch(List<Clip> clips, int from, ClassEmbeddings classes) {
    List<Clip> part = clips.subList(from, from + BATCH);
    int[] labels = new int[BATCH];
    for (int k = 0; k < BATCH; k++) {
      labels[k] = base.indexOf(part.get(k).action().label());
    }
    return new TrainingBatch(WorldData.videoBatch(part, pre), labels, classes);
  }

  /** The clips of one draw, embedded, with each clip's true label (null: nothing known). */
  private record Embedded(List<float[]> vectors, List<String> labels) {
    Embedded() {
      this(new ArrayList<>(), new ArrayList<>());
    }
  }

  private Figures measure(String name, ClipModel model, Draws draws) {
    ClassEmbeddings vocabulary = classes(model, base);
    float[][] background =
        config.background().isEmpty()
            ? new float[0][]
            : classes(model, config.background()).vectors();
    double scale = model.logitScale();
    Figures f = new Figures();
    for (int seed = 1; seed <= config.seeds(); seed++) {
      long started = System.nanoTime();
      long calibrationSeed = draws.calibrationBase() + seed;
      long testSeed = draws.testBase() + seed;
      Embedded calKnown =
          embed(model, TestSet.BASE_IN_CONTEXT, config.perAction(), calibrationSeed);
      Embedded calNegative =
          embed(model, TestSet.SCENE_ONLY, config.sceneNegatives(), calibrationSeed);
      Embedded novel = embed(model, TestSet.NOVEL_IN_CONTEXT, config.perAction(), calibrationSeed);
      calNegative.vectors().addAll(novel.vectors());
      novel.labels().forEach(l -> calNegative.labels().add(null));

      Embedded known = embed(model, TestSet.BASE_IN_CONTEXT, config.perAction(), testSeed);
      Embedded knownOoc = embed(model, TestSet.BASE_OUT_OF_CONTEXT, config.perAction(), testSeed);
      Embedded unknown = embed(model, TestSet.NOVEL_IN_CONTEXT, config.perAction(), testSeed);
      Embedded unknownOoc =
          embed(model, TestSet.NOVEL_OUT_OF_CONTEXT, config.perAction(), testSeed);
      Embedded empty = embed(model, TestSet.SCENE_ONLY, config.perAction(), testSeed);
      List<List<float[]>> streams = sceneStreams(model, testSeed);
      List<OpenSetCalibration> calibrations =
          OpenSetFitting.fit(
              views(calKnown),
              views(calNegative),
              vocabulary,
              background,
              scale,
              new OpenSetFitting.Options(
                  config.recall(),
                  Math.min(OpenSetCalibration.DEFAULT_MIN_CLIPS_PER_LABEL, config.perAction()),
                  config.background(),
                  config.scope(),
                  config.folds()));
      learned =
          calibrations.get(OpenSetScore.LEARNED_BACKGROUND.ordinal()).learnedBackground().get();
      // the known region as the trainer fits it (trainer.openset.region): on the calibration
      // draw's known clips only
      KnownRegion region =
          KnownRegion.fit(
              calKnown.vectors(),
              config.regionRecall(),
              Math.max(2, config.folds()),
              OpenSetFitting.Options.REGION_REFERENCES);
      boolean[] knownInside = inside(region, known, knownOoc);
      boolean[] negInside = inside(region, unknown, unknownOoc, empty);
      f.add("region.inside.known", trueShare(knownInside, 0, knownInside.length));
      f.add(
          "region.inside.unknown",
          trueShare(negInside, 0, unknown.vectors().size() + unknownOoc.vectors().size()));
      f.add(
          "region.inside.empty",
          trueShare(
              negInside, unknown.vectors().size() + unknownOoc.vectors().size(), negInside.length));

      for (OpenSetScore kind : OpenSetScore.values()) {
        String k = kind.text() + ".";
        OpenSetCalibration c = calibrations.get(kind.ordinal());
        List<double[]> pos = raw(kind, known, vocabulary, background, scale);
        pos.addAll(raw(kind, knownOoc, vocabulary, background, scale));
        List<String> posLabels = new ArrayList<>(known.labels());
        posLabels.addAll(knownOoc.labels());
        List<double[]> neg = raw(kind, unknown, vocabulary, background, scale);
        neg.addAll(raw(kind, unknownOoc, vocabulary, background, scale));
        neg.addAll(raw(kind, empty, vocabulary, background, scale));
        double[] posScores = pos.stream().mapToDouble(OpenSetScore::windowScore).toArray();
        double[] negScores = neg.stream().mapToDouble(OpenSetScore::windowScore).toArray();
        f.add(k + "auroc", auroc(posScores, negScores));
        double t90 = OpenSetCalibration.recallThreshold(posScores, 0.9);
        f.add(k + "fpr90", share(negScores, t90));
        f.add(
            k + "fpr90.empty",
            share(windowScores(kind, empty, vocabulary, background, scale), t90));
        f.add(
            k + "fpr90.unknown",
            share(
                concat(
                    windowScores(kind, unknown, vocabulary, background, scale),
                    windowScores(kind, unknownOoc, vocabulary, background, scale)),
                t90));
        int kept = 0;
        for (int i = 0; i < pos.size(); i++) {
          int own = base.indexOf(posLabels.get(i));
          kept += c.recognized(posLabels.get(i), pos.get(i)[own]) ? 1 : 0;
        }
        f.add(k + "calibrated.recall", kept / (double) pos.size());
        int recognized = 0;
        for (double[] p : pos) {
          recognized += c.unknown(base, p) ? 0 : 1;
        }
        // known windows with some label recognized, right or wrong: what a camera that shows
        // known actions reads as not "nothing recognized"
        f.add(k + "calibrated.kept", recognized / (double) pos.size());
        int alarms = 0;
        for (double[] n : neg) {
          alarms += c.unknown(base, n) ? 0 : 1;
        }
        f.add(k + "calibrated.fpr", alarms / (double) neg.size());
        f.add(
            k + "episodes-per-hour",
            episodesPerHour(kind, c, streams, vocabulary, background, scale));
        // with the known region: a window outside it is unknown whatever its scores
        int keptInside = 0;
        for (int i = 0; i < pos.size(); i++) {
          keptInside += knownInside[i] && !c.unknown(base, pos.get(i)) ? 1 : 0;
        }
        f.add(k + "region.kept", keptInside / (double) pos.size());
        int alarmsInside = 0;
        for (int i = 0; i < neg.size(); i++) {
          alarmsInside += negInside[i] && !c.unknown(base, neg.get(i)) ? 1 : 0;
        }
        f.add(k + "region.fpr", alarmsInside / (double) neg.size());
        f.add(k + "region.fpr90", regionFpr90(posScores, knownInside, negScores, negInside));
      }
      log.printf(
          Locale.ROOT,
          "%s seed %d/%d: %s  (%.0f s)%n",
          name,
          seed,
          config.seeds(),
          summary(f, seed - 1),
          (System.nanoTime() - started) / 1e9);
    }
    return f;
  }

  private static String summary(Figures f, int i) {
    StringBuilder b = new StringBuilder();
    for (OpenSetScore kind : OpenSetScore.values()) {
      String k = kind.text() + ".";
      b.append(
          String.format(
              Locale.ROOT,
              "%s auroc %.3f fpr90 %.3f ep/h %.0f; ",
              kind.text(),
              f.byKey().get(k + "auroc").get(i),
              f.byKey().get(k + "fpr90").get(i),
              f.byKey().get(k + "episodes-per-hour").get(i)));
    }
    return b.toString();
  }

  /**
   * False episodes per camera-hour: for each scene-only stream and label, the runs of at least 2
   * consecutive windows in which the label passes its threshold.
   */
  private double episodesPerHour(
      OpenSetScore kind,
      OpenSetCalibration c,
      List<List<float[]>> streams,
      ClassEmbeddings vocabulary,
      float[][] background,
      double scale) {
    int episodes = 0;
    int windows = 0;
    for (List<float[]> stream : streams) {
      int[] run = new int[base.size()];
      for (float[] v : stream) {
        windows++;
        double[] raw = rawOne(kind, v, vocabulary, background, scale);
        for (int l = 0; l < base.size(); l++) {
          if (c.recognized(base.get(l), raw[l])) {
            run[l]++;
            if (run[l] == 2) {
              episodes++;
            }
          } else {
            run[l] = 0;
          }
        }
      }
    }
    double windowSeconds =
        world.settings().framesPerClip() / CameraSettings.DEFAULT_FRAMES_PER_SECOND;
    return episodes / (windows * windowSeconds / 3600.0);
  }

  /** One stream per action's home scene: {@code sceneWindows} scene-only windows of it. */
  private List<List<float[]>> sceneStreams(ClipModel model, long seed) {
    List<Clip> clips = world.testClips(TestSet.SCENE_ONLY, config.sceneWindows(), seed + 77);
    float[][] e = embed(model, WorldData.videoBatch(clips, pre));
    List<List<float[]>> out = new ArrayList<>();
    // testSpecs is action-major: each action's windows are consecutive
    for (int a = 0; a < clips.size() / config.sceneWindows(); a++) {
      List<float[]> stream = new ArrayList<>();
      for (int i = 0; i < config.sceneWindows(); i++) {
        stream.add(e[a * config.sceneWindows() + i]);
      }
      out.add(stream);
    }
    return out;
  }

  private Embedded embed(ClipModel model, TestSet set, int perAction, long seed) {
    List<Clip> clips = world.testClips(set, perAction, seed);
    float[][] e = embed(model, WorldData.videoBatch(clips, pre));
    Embedded out = new Embedded();
    for (int i = 0; i < clips.size(); i++) {
      out.vectors().add(e[i]);
      String label = clips.get(i).action().label();
      boolean known = set.actorVisible() && base.contains(label);
      out.labels().add(known ? label : null);
    }
    return out;
  }

  private List<double[]> raw(
      OpenSetScore kind,
      Embedded clips,
      ClassEmbeddings vocabulary,
      float[][] background,
      double scale) {
    List<double[]> out = new ArrayList<>();
    for (float[] v : clips.vectors()) {
      out.add(rawOne(kind, v, vocabulary, background, scale));
    }
    return out;
  }

  /** One clip's raw label scores; the learned-background kind uses the class fitted this seed. */
  private double[] rawOne(
      OpenSetScore kind,
      float[] v,
      ClassEmbeddings vocabulary,
      float[][] background,
      double scale) {
    double[] bg =
        kind == OpenSetScore.LEARNED_BACKGROUND
            ? new double[] {learned.cosine(v, scale)}
            : cosines(v, background);
    return kind.labelScores(cosines(v, vocabulary.vectors()), bg, scale);
  }

  /** The clips of a draw as the trainer holds them: each embedding with its label ("" for none). */
  private static List<ViewEmbedding> views(Embedded clips) {
    List<ViewEmbedding> out = new ArrayList<>();
    for (int i = 0; i < clips.vectors().size(); i++) {
      String label = clips.labels().get(i);
      out.add(new ViewEmbedding("clip-" + i, label == null ? "" : label, clips.vectors().get(i)));
    }
    return out;
  }

  private double[] windowScores(
      OpenSetScore kind,
      Embedded clips,
      ClassEmbeddings vocabulary,
      float[][] background,
      double scale) {
    return raw(kind, clips, vocabulary, background, scale).stream()
        .mapToDouble(OpenSetScore::windowScore)
        .toArray();
  }

  /** Class embeddings with the recognizer's default prompt templates. */
  static ClassEmbeddings classes(ClipModel model, List<String> labels) {
    ClipTokenizer tok = ClipTokenizer.standard();
    return new ClassTextEncoder(tok::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES)
        .encode(model, labels);
  }

  static double[] cosines(float[] v, float[][] classes) {
    double[] out = new double[classes.length];
    for (int i = 0; i < classes.length; i++) {
      double dot = 0;
      for (int d = 0; d < v.length; d++) {
        dot += (double) v[d] * classes[i][d];
      }
      out[i] = dot;
    }
    return out;
  }

  /** Area under the ROC curve: the chance a positive scores above a negative (ties count half). */
  static double auroc(double[] pos, double[] neg) {
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    return wins / ((double) pos.length * neg.length);
  }

  /** The share of {@code values} at or above {@code threshold}. */
  /** Per clip of the sets, in order, whether it lies in the region. */
  private static boolean[] inside(KnownRegion region, Embedded... sets) {
    List<Boolean> out = new ArrayList<>();
    for (Embedded set : sets) {
      for (float[] v : set.vectors()) {
        out.add(region.contains(v));
      }
    }
    boolean[] b = new boolean[out.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = out.get(i);
    }
    return b;
  }

  private static double trueShare(boolean[] values, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += values[i] ? 1 : 0;
    }
    return to > from ? n / (double) (to - from) : Double.NaN;
  }

  /**
   * The false alarm rate at 90 % recall of known clips when a window must lie in the region and
   * reach a global threshold on its window score: the threshold keeps 90 % of all known clips among
   * those inside; NaN when the region alone keeps fewer than 90 %.
   */
  static double regionFpr90(
      double[] known, boolean[] knownInside, double[] negatives, boolean[] negInside) {
    List<Double> in = new ArrayList<>();
    for (int i = 0; i < known.length; i++) {
      if (knownInside[i]) {
        in.add(known[i]);
      }
    }
    double need = 0.9 * known.length;
    if (in.size() < need - 1e-9) {
      return Double.NaN;
    }
    double t =
        OpenSetCalibration.recallThreshold(
            in.stream().mapToDouble(Double::doubleValue).toArray(), need / in.size());
    int alarms = 0;
    for (int i = 0; i < negatives.length; i++) {
      alarms += negInside[i] && negatives[i] >= t ? 1 : 0;
    }
    return alarms / (double) negatives.length;
  }

  static double share(double[] values, double threshold) {
    int n = 0;
    for (double v : values) {
      n += v >= threshold ? 1 : 0;
    }
    return n / (double) values.length;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
