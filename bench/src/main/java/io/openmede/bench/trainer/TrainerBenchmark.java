package io.openmede.bench.trainer;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.meta.InnerStep;
import io.openmede.trainer.meta.LearningRateSchedule;
import io.openmede.trainer.meta.MetaOptimizer;
import io.openmede.trainer.meta.OpenMeDeOptimizer;
import io.openmede.trainer.meta.OptimizerSettings;
import io.openmede.trainer.meta.PlainFineTuning;
import io.openmede.trainer.meta.Task;
import io.openmede.trainer.meta.TrainingBatch;
import io.openmede.trainer.stream.TextTowerClassEmbeddings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Open-MeDe against plain fine-tuning on the same clips and the same starting model, in one run:
 * samples/s of each, their ratio, and the peak resident memory of each phase. Phases alternate
 * (meta, plain, meta, plain, ...) after one warm-up update of each, so that drift in the machine
 * affects both alike. The last line printed is {@code RESULT meta_vs_plain_throughput=...}.
 */
final class TrainerBenchmark {

  public static final Setting<String> PRESET =
      Setting.string("bench.trainer.preset", "tiny", "CLIP architecture preset (random weights).");
  public static final Setting<String> DEVICE =
      Setting.string("bench.trainer.device", "cpu", "Device: cpu, gpu or gpu:N.");
  public static final Setting<Integer> TASKS =
      Setting.integer("bench.trainer.tasks-per-update", 4, 1, 1024, "N: tasks per meta-update.");
  public static final Setting<Integer> BATCH =
      Setting.integer("bench.trainer.batch-size", 8, 1, 4096, "B: clips per batch.");
  public static final Setting<Integer> FRAMES =
      Setting.integer("bench.trainer.frames", 8, 1, 256, "T: frames per clip.");
  public static final Setting<Integer> UPDATES =
      Setting.integer(
          "bench.trainer.updates", 4, 1, 100_000, "Measured meta-updates per phase and round.");
  public static final Setting<Integer> ROUNDS =
      Setting.integer("bench.trainer.rounds", 2, 1, 100, "Alternating rounds of both phases.");
  public static final Setting<Integer> CLASSES =
      Setting.integer("bench.trainer.classes", 10, 1, 100_000, "Classes in the vocabulary.");
  public static final Setting<Double> DELTA =
      Setting.decimal("bench.trainer.delta", OptimizerSettings.PAPER_DELTA, 0, 1e6, "δ.");
  public static final Setting<Double> LR =
      Setting.decimal("bench.trainer.lr", 1e-5, 0, 10, "β (constant); α = β.");

  /** The benchmark's settings. */
  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Trainer benchmark",
          PRESET,
          DEVICE,
          TASKS,
          BATCH,
          FRAMES,
          UPDATES,
          ROUNDS,
          CLASSES,
          DELTA,
          LR);

  private TrainerBenchmark() {}

  /** Figures of one run. */
  public record Result(
      double metaSamplesPerSecond,
      double plainSamplesPerSecond,
      long metaPeakBytes,
      long plainPeakBytes) {

    /** Open-MeDe samples/s over plain samples/s (goal: at least 0.95). */
    public double ratio() {
      return metaSamplesPerSecond / plainSamplesPerSecond;
    }
  }

  /** Runs the benchmark, printing progress and the RESULT line to {@code out}. */
  public static Result run(Settings s, PrintStream out) {
    ClipConfig config = ClipConfig.preset(s.get(PRESET));
    ComputeDevice device = ComputeDevice.parse(s.get(DEVICE));
    int n = s.get(TASKS);
    int b = s.get(BATCH);
    int t = s.get(FRAMES);
    int updates = s.get(UPDATES);
    int rounds = s.get(ROUNDS);
    OptimizerSettings opt =
        new OptimizerSettings(
            n,
            b,
            s.get(DELTA),
            InnerStep.tiedToLearningRate(),
            LearningRateSchedule.constant(s.get(LR)),
            new AdamW.Settings(0.9, 0.999, 1e-8, 0.001),
            OptionalDouble.empty());
    try (ClipModel model = ClipModel.random(config, 1, device);
        PeakMemorySampler memory = new PeakMemorySampler();
        ParameterSet initial = model.parameters().copy()) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < s.get(CLASSES); i++) {
        labels.add("action " + i);
      }
      ClassEmbeddings classes = new TextTowerClassEmbeddings(model).embed(labels);
      Random r = new Random(7);
      List<List<Task>> stream = new ArrayList<>();
      for (int u = 0; u < updates + 1; u++) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          tasks.add(new Task(batch(r, b, t, config, classes), batch(r, b, t, config, classes)));
        }
        stream.add(tasks);
      }
      int clipsPerUpdate = 2 * n * b;
      out.printf(
          Locale.ROOT,
          "trainer benchmark: preset %s on %s, N=%d B=%d T=%d, %d updates x %d rounds per method,"
              + " %d clips per update, delta=%g, alpha=beta=%g, memory=%s%n",
          config == null ? "?" : s.get(PRESET),
          device,
          n,
          b,
          t,
          updates,
          rounds,
          clipsPerUpdate,
          opt.delta(),
          s.get(LR),
          PeakMemorySampler.measuresRss() ? "RSS" : "heap");
      double metaSeconds = 0;
      double plainSeconds = 0;
      double metaBest = 0;
      double plainBest = 0;
      long metaPeak = 0;
      long plainPeak = 0;
      for (int round = 0; round < rounds; round++) {
        for (boolean meta : new boolean[] {true, false}) {
          model.parameters().setFrom(initial);
          try (MetaOptimizer o =
              meta ? new OpenMeDeOptimizer(source, opt) : new PlainFineTuning(source, opt)) {
            o.update(stream.get(0)); // warm-up, not timed
            memory.reset();
            long start = System.nanoTime();
            for (int u = 1; u <= updates; u++) {
              o.update(stream.get(u));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long peak = memory.peakBytes();
            out.printf(
                Locale.ROOT,
                "round %d %-9s %8.2f samples/s  peak %.1f MiB%n",
                round + 1,
                meta ? "open-mede" : "plain",
                updates * clipsPerUpdate / secs,
                peak / 1048576.0);
            double rate = updates * clipsPerUpdate / secs;
            if (meta) {
              metaBest = Math.max(metaBest, rate);
              metaSeconds += secs;
              metaPeak = Math.max(metaPeak, peak);
            } else {
              plainBest = Math.max(plainBest, rate);
              plainSeconds += secs;
              plainPeak = Math.max(plainPeak, peak);
            }
          }
        }
      }
      double samples = (double) updates * rounds * clipsPerUpdate;
      // best round of each method: on a shared machine the slowest rounds measure the neighbours
      Result result = new Result(metaBest, plainBest, metaPeak, plainPeak);
      out.printf(
          Locale.ROOT,
          "mean over all rounds: open-mede %.2f samples/s, plain %.2f samples/s, ratio %.3f%n",
          samples / metaSeconds,
          samples / plainSeconds,
          plainSeconds / metaSeconds);
      out.printf(
          Locale.ROOT,
          "RESULT meta_vs_plain_throughput=%.3f meta_samples_per_s=%.2f plain_samples_per_s=%.2f"
              + " meta_peak_mib=%.1f plain_peak_mib=%.1f preset=%s device=%s N=%d B=%d T=%d"
              + " rounds=%d (best round of each)%n",
          result.ratio(),
          result.metaSamplesPerSecond(),
          result.plainSamplesPerSecond(),
          metaPeak / 1048576.0,
          plainPeak / 1048576.0,
          s.get(PRESET),
          device,
          n,
          b,
          t,
          rounds);
      out.flush();
      return result;
    }
  }

  private static TrainingBatch batch(
      Random r, int b, int t, ClipConfig config, ClassEmbeddings classes) {
    int res = config.imageResolution();
    float[] px = new float[b * t * 3 * res * res];
    for (int i = 0; i < px.length; i++) {
      px[i] = (float) r.nextGaussian();
    }
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      labels[i] = r.nextInt(classes.size());
    }
    return new TrainingBatch(new VideoBatch(px, b, t, res), labels, classes);
  }
}
