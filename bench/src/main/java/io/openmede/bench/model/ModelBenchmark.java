package io.openmede.bench.model;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.MatmulPeak;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.LossAndGradient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Throughput of the video learner with random weights: clips per second of inference ({@link
 * ClipModel#embedVideos}) and samples (clips) per second of forward+backward ({@link
 * ClipModel#lossAndGradient}), for the {@code tiny} preset and for {@code vit-b-16} (224x224). Each
 * measurement runs warm-up iterations first, then timed ones. Not a test: it prints figures; the
 * last line is {@code RESULT tiny_infer_clips_per_s=... tiny_train_samples_per_s=...
 * vitb16_infer_clips_per_s=... vitb16_train_samples_per_s=... peak_gflops=... vitb16_gflops=...
 * vitb16_peak_fraction=...} ({@code n/a} for a skipped model). The peak is a large float32 matrix
 * product in the same process, threads and device, measured first.
 */
final class ModelBenchmark {

  /**
   * What to measure.
   *
   * @param device where to run
   * @param frames T, frames per clip
   * @param tinyBatch clips per batch for tiny
   * @param tinyIterations timed iterations for tiny (after 2 warm-up iterations)
   * @param vitb16Batch clips per batch for vit-b-16
   * @param vitb16Iterations timed iterations for vit-b-16 (after 1 warm-up iteration)
   * @param includeVitb16 whether to measure vit-b-16 at all
   */
  public record Settings(
      ComputeDevice device,
      int frames,
      int tinyBatch,
      int tinyIterations,
      int vitb16Batch,
      int vitb16Iterations,
      boolean includeVitb16) {

    /** Validates counts. */
    public Settings {
      if (frames < 1
          || tinyBatch < 1
          || tinyIterations < 1
          || vitb16Batch < 1
          || vitb16Iterations < 1) {
        throw new IllegalArgumentException(
            "frames, batches and iterations must be >= 1, got frames "
                + frames
                + ", tiny batch "
                + tinyBatch
                + " x "
                + tinyIterations
                + ", vit-b-16 batch "
                + vitb16Batch
                + " x "
                + vitb16Iterations);
      }
    }

    /** T = 8, tiny 8 clips x 10 iterations, vit-b-16 1 clip x 2 iterations, on the CPU. */
    public static Settings defaults() {
      return new Settings(ComputeDevice.CPU, 8, 8, 10, 1, 2, true);
    }
  }

  /** Sides of the square float32 matrices whose products give the engine's peak (the best). */
  static final int[] PEAK_SIZES = {2048, 4096};

  /**
   * Figures; NaN for what was not measured.
   *
   * @param peakGflops the best GFLOP/s of a large float32 matrix product, same process and threads
   * @param vitb16Gflops ViT-B/16 inference as GFLOP/s (image tower, {@link
   *     ClipConfig#visionFlopsPerFrame})
   */
  public record Result(
      double tinyInferClipsPerS,
      double tinyTrainSamplesPerS,
      double vitb16InferClipsPerS,
      double vitb16TrainSamplesPerS,
      double peakGflops,
      double vitb16Gflops) {

    /** ViT-B/16 inference as a fraction of the peak. */
    public double vitb16PeakFraction() {
      return vitb16Gflops / peakGflops;
    }

    /** The {@code RESULT ...} line. */
    public String resultLine() {
      return "RESULT tiny_infer_clips_per_s="
          + fmt(tinyInferClipsPerS)
          + " tiny_train_samples_per_s="
          + fmt(tinyTrainSamplesPerS)
          + " vitb16_infer_clips_per_s="
          + fmt(vitb16InferClipsPerS)
          + " vitb16_train_samples_per_s="
          + fmt(vitb16TrainSamplesPerS)
          + " peak_gflops="
          + fmt(peakGflops)
          + " vitb16_gflops="
          + fmt(vitb16Gflops)
          + " vitb16_peak_fraction="
          + fmt(vitb16PeakFraction());
    }

    private static String fmt(double v) {
      return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
  }

  private ModelBenchmark() {}

  /** Runs the benchmark, printing progress and figures to {@code out}, the RESULT line last. */
  public static Result run(PrintStream out, Settings settings) {
    out.printf(
        Locale.ROOT,
        "model benchmark: device %s, T=%d, %d CPU cores visible to the JVM%n",
        settings.device(),
        settings.frames(),
        Runtime.getRuntime().availableProcessors());
    double peak = 0;
    for (int n : PEAK_SIZES) {
      long p0 = System.nanoTime();
      double g = MatmulPeak.f32Gflops(settings.device(), n, n >= 4096 ? 2 : 4, 3);
      out.printf(
          Locale.ROOT,
          "peak: float32 %dx%d matrix products, best of 3 rounds: %.1f GFLOP/s (%.1f s)%n",
          n,
          n,
          g,
          (System.nanoTime() - p0) / 1e9);
      peak = Math.max(peak, g);
    }
    double[] tiny =
        measure(
            out,
            "tiny",
            ClipConfig.preset("tiny"),
            settings,
            settings.tinyBatch(),
            2,
            settings.tinyIterations());
    double[] vitb = {Double.NaN, Double.NaN, Double.NaN};
    if (settings.includeVitb16()) {
      vitb =
          measure(
              out,
              "vit-b-16",
              ClipConfig.preset("vit-b-16"),
              settings,
              settings.vitb16Batch(),
              1,
              settings.vitb16Iterations());
    }
    double vitbGflops = vitb[0] * vitb[2] / 1e9;
    if (settings.includeVitb16()) {
      out.printf(
          Locale.ROOT,
          "vit-b-16 inference: %.1f GFLOP per clip (image tower), %.1f GFLOP/s = %.3f of the peak%n",
          vitb[2] / 1e9,
          vitbGflops,
          vitbGflops / peak);
    }
    Result r = new Result(tiny[0], tiny[1], vitb[0], vitb[1], peak, vitbGflops);
    out.println(r.resultLine());
    out.flush();
    return r;
  }

  private static double[] measure(
      PrintStream out,
      String name,
      ClipConfig cfg,
      Settings s,
      int batch,
      int warmUp,
      int iterations) {
    int t = s.frames();
    int r = cfg.imageResolution();
    SplittableRandom rnd = new SplittableRandom(1);
    float[] pixels = new float[batch * t * 3 * r * r];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) rnd.nextGaussian();
    }
    VideoBatch clips = new VideoBatch(pixels, batch, t, r);
    int classes = 16;
    float[][] vectors = new float[classes][cfg.embedDim()];
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      double n = 0;
      for (int k = 0; k < cfg.embedDim(); k++) {
        vectors[c][k] = (float) rnd.nextGaussian();
        n += vectors[c][k] * vectors[c][k];
      }
      for (int k = 0; k < cfg.embedDim(); k++) {
        vectors[c][k] /= (float) Math.sqrt(n);
      }
      labels.add("class " + c);
    }
    ClassEmbeddings cls = new ClassEmbeddings(labels, vectors);
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = i % classes;
    }
    long t0 = System.nanoTime();
    try (ClipModel model = ClipModel.random(cfg, 7, s.device())) {
      out.printf(
          Locale.ROOT,
          "%s: %,d parameters, random init %.1f s; batch %d clips x %d frames of %dx%d%n",
          name,
          model.parameterCount(),
          (System.nanoTime() - t0) / 1e9,
          batch,
          t,
          r,
          r);
      for (int i = 0; i < warmUp; i++) {
        model.embedVideos(clips);
      }
      long a = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        model.embedVideos(clips);
      }
      double inferSeconds = (System.nanoTime() - a) / 1e9;
      double infer = (double) batch * iterations / inferSeconds;
      out.printf(
          Locale.ROOT,
          "%s inference: %d x %d clips in %.2f s = %.3f clips/s (%.1f ms per batch)%n",
          name,
          iterations,
          batch,
          inferSeconds,
          infer,
          1000 * inferSeconds / iterations);
      for (int i = 0; i < warmUp; i++) {
        try (LossAndGradient lg = model.lossAndGradient(clips, y, cls)) {
          lg.loss();
        }
      }
      long b = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        try (LossAndGradient lg = model.lossAndGradient(clips, y, cls)) {
          lg.loss();
        }
      }
      double trainSeconds = (System.nanoTime() - b) / 1e9;
      double train = (double) batch * iterations / trainSeconds;
      out.printf(
          Locale.ROOT,
          "%s forward+backward: %d x %d clips in %.2f s = %.3f samples/s (%.1f ms per batch)%n",
          name,
          iterations,
          batch,
          trainSeconds,
          train,
          1000 * trainSeconds / iterations);
      double flopsPerClip = t * cfg.visionFlopsPerFrame(t, model.temporalAttention());
      return new double[] {infer, train, flopsPerClip};
    }
  }
}
