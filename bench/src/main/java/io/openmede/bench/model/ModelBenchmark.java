package io.openmede.bench.model;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.InferenceDtype;
import io.openmede.model.MatmulPeak;
import io.openmede.model.VideoBatch;
import io.openmede.model.train.LossAndGradient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Throughput of the video learner with random weights: clips per second of inference ({@link
 * ClipModel#embedVideos}) and samples (clips) per second of forward+backward ({@link
 * ClipModel#lossAndGradient}), for the {@code tiny} preset and for {@code vit-b-16} (224x224). Each
 * measurement runs warm-up iterations first, then timed ones. Not a test: it prints figures; the
 * last line is {@code RESULT tiny_infer_clips_per_s=... tiny_train_samples_per_s=...
 * vitb16_infer_clips_per_s=... vitb16_train_samples_per_s=... peak_gflops=... vitb16_gflops=...
 * vitb16_peak_fraction=... tiny_bf16_speedup=... vitb16_bf16_speedup=... bf16_top1_agreement=...}
 * ({@code n/a} for a skipped model, and for bfloat16 where the device lacks it). The peak is a
 * large float32 matrix product in the same process, threads and device, measured first. bfloat16 is
 * timed against float32 in alternating rounds on the same model, and its top-1 agreement with
 * float32 is counted on the synthetic world's test clips with the bundled tiny weights ({@link
 * Bf16Agreement}).
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
   * @param agreementPerAction test clips per action and test set for the bfloat16 top-1 agreement
   *     (0 skips it)
   */
  public record Settings(
      ComputeDevice device,
      int frames,
      int tinyBatch,
      int tinyIterations,
      int vitb16Batch,
      int vitb16Iterations,
      boolean includeVitb16,
      int agreementPerAction) {

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
      if (agreementPerAction < 0) {
        throw new IllegalArgumentException(
            "agreement clips per action must be >= 0, got " + agreementPerAction);
      }
    }

    /**
     * T = 8, tiny 8 clips x 10 iterations, vit-b-16 1 clip x 2 iterations, 15 clips per action and
     * test set for the agreement, on the CPU.
     */
    public static Settings defaults() {
      return new Settings(ComputeDevice.CPU, 8, 8, 10, 1, 2, true, 15);
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
   * @param tinyBf16Speedup tiny inference, bfloat16 clips/s over float32's (median of alternating
   *     rounds)
   * @param vitb16Bf16Speedup the same for vit-b-16
   * @param bf16Top1Agreement share of the world's test clips whose top-1 label is the same in
   *     bfloat16 and float32 (bundled tiny weights)
   */
  public record Result(
      double tinyInferClipsPerS,
      double tinyTrainSamplesPerS,
      double vitb16InferClipsPerS,
      double vitb16TrainSamplesPerS,
      double peakGflops,
      double vitb16Gflops,
      double tinyBf16Speedup,
      double vitb16Bf16Speedup,
      double bf16Top1Agreement) {

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
          + fmt(vitb16PeakFraction())
          + " tiny_bf16_speedup="
          + fmt(tinyBf16Speedup)
          + " vitb16_bf16_speedup="
          + fmt(vitb16Bf16Speedup)
          + " bf16_top1_agreement="
          + fmt(bf16Top1Agreement);
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
    Optional<String> noBf16 = InferenceDtype.BF16.unsupportedOn(settings.device());
    noBf16.ifPresent(why -> out.println("bfloat16 not measured: " + why));
    boolean bf16 = noBf16.isEmpty();
    double[] tiny =
        measure(
            out,
            "tiny",
            ClipConfig.preset("tiny"),
            settings,
            settings.tinyBatch(),
            2,
            settings.tinyIterations(),
            bf16);
    double[] vitb = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    if (settings.includeVitb16()) {
      vitb =
          measure(
              out,
              "vit-b-16",
              ClipConfig.preset("vit-b-16"),
              settings,
              settings.vitb16Batch(),
              1,
              settings.vitb16Iterations(),
              bf16);
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
    double agreement =
        bf16 && settings.agreementPerAction() > 0
            ? Bf16Agreement.measure(out, settings.device(), settings.agreementPerAction())
            : Double.NaN;
    Result r =
        new Result(
            tiny[0], tiny[1], vitb[0], vitb[1], peak, vitbGflops, tiny[3], vitb[3], agreement);
    out.println(r.resultLine());
    out.flush();
    return r;
  }

  /**
   * bfloat16 against float32 inference on the same model and clips: after one warm-up batch each,
   * {@code rounds} rounds of one float32 batch then one bfloat16 batch (so both see the same
   * machine), each round's time ratio; the median ratio. The model is left in float32.
   */
  private static double bf16Speedup(
      PrintStream out, String name, ClipModel model, VideoBatch clips, int rounds) {
    model.setInferenceDtype(InferenceDtype.BF16);
    model.embedVideos(clips);
    model.setInferenceDtype(InferenceDtype.F32);
    model.embedVideos(clips);
    double[] ratios = new double[rounds];
    double f32Total = 0;
    double bf16Total = 0;
    for (int i = 0; i < rounds; i++) {
      model.setInferenceDtype(InferenceDtype.F32);
      long a = System.nanoTime();
      model.embedVideos(clips);
      long b = System.nanoTime();
      model.setInferenceDtype(InferenceDtype.BF16);
      long c = System.nanoTime();
      model.embedVideos(clips);
      long d = System.nanoTime();
      ratios[i] = (double) (b - a) / (d - c);
      f32Total += (b - a) / 1e6;
      bf16Total += (d - c) / 1e6;
    }
    model.setInferenceDtype(InferenceDtype.F32);
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    out.printf(
        Locale.ROOT,
        "%s inference bfloat16 vs float32, %d alternating rounds: %.1f vs %.1f ms per batch;"
            + " speed-up per round %s, median %.3f%n",
        name,
        rounds,
        bf16Total / rounds,
        f32Total / rounds,
        Arrays.stream(ratios)
            .mapToObj(x -> String.format(Locale.ROOT, "%.2f", x))
            .collect(Collectors.joining(" ")),
        median);
    return median;
  }

  private static double[] measure(
      PrintStream out,
      String name,
      ClipConfig cfg,
      Settings s,
      int batch,
      int warmUp,
      int iterations,
      boolean bf16) {
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
      double speedup = bf16 ? bf16Speedup(out, name, model, clips, iterations) : Double.NaN;
      return new double[] {infer, train, flopsPerClip, speedup};
    }
  }
}
