package io.openmede.bench.model;

import io.openmede.model.ComputeDevice;
import io.openmede.model.TorchThreads;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench model}: runs {@link ModelBenchmark} and prints its figures, the {@code RESULT} line
 * last. Exit 0, or 2 on bad options.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Measures clips/s of inference and samples/s of forward+backward of the CLIP video learner",
      "for the tiny preset and vit-b-16 (random weights, T frames, 224x224 for vit-b-16).",
      "The last line is RESULT tiny_infer_clips_per_s=... tiny_train_samples_per_s=..."
          + " vitb16_infer_clips_per_s=... vitb16_train_samples_per_s=... peak_gflops=..."
          + " vitb16_gflops=... vitb16_peak_fraction=... tiny_bf16_speedup=..."
          + " vitb16_bf16_speedup=... bf16_top1_agreement=... (the peak: a large float32 matrix"
          + " product in the same process and threads; bfloat16 against float32 in alternating"
          + " rounds, n/a on a CPU without AVX512-BF16 or AMX)"
    })
public final class BenchModelCommand implements Callable<Integer> {

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  private String device;

  @Option(
      names = "--frames",
      defaultValue = "8",
      description = "Frames per clip T (default: ${DEFAULT-VALUE}).")
  private int frames;

  @Option(
      names = "--tiny-batch",
      defaultValue = "8",
      description = "Clips per tiny batch (default: ${DEFAULT-VALUE}).")
  private int tinyBatch;

  @Option(
      names = "--tiny-iterations",
      defaultValue = "10",
      description = "Timed tiny iterations (default: ${DEFAULT-VALUE}).")
  private int tinyIterations;

  @Option(
      names = "--vitb16-batch",
      defaultValue = "1",
      description = "Clips per vit-b-16 batch (default: ${DEFAULT-VALUE}).")
  private int vitb16Batch;

  @Option(
      names = "--vitb16-iterations",
      defaultValue = "2",
      description = "Timed vit-b-16 iterations (default: ${DEFAULT-VALUE}).")
  private int vitb16Iterations;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = {
        "libtorch intra-op threads; 0 keeps DJL's default (one per core).",
        "On a busy machine 1 avoids OpenMP spin-waiting. Effective only before the engine starts."
      })
  private int threads;

  @Option(names = "--skip-vitb16", description = "Measure only the tiny model.")
  private boolean skipVitb16;

  @Option(
      names = "--agreement-per-action",
      defaultValue = "15",
      description = {
        "Test clips per action and test set (4 sets, 20 actions) on which bfloat16's top-1 is",
        "compared with float32's; 0 skips it (default: ${DEFAULT-VALUE})."
      })
  private int agreementPerAction;

  private final PrintStream out;

  /** For picocli: prints to standard output. */
  public BenchModelCommand() {
    this(System.out);
  }

  /** Prints to {@code out} (tests). */
  public BenchModelCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    ModelBenchmark.Settings s;
    try {
      s =
          new ModelBenchmark.Settings(
              ComputeDevice.parse(device),
              frames,
              tinyBatch,
              tinyIterations,
              vitb16Batch,
              vitb16Iterations,
              !skipVitb16,
              agreementPerAction);
    } catch (IllegalArgumentException e) {
      System.err.println("bench model: " + e.getMessage());
      return 2;
    }
    if (threads < 0) {
      System.err.println("bench model: --threads must be >= 0, got " + threads);
      return 2;
    }
    TorchThreads.set(threads);
    ModelBenchmark.run(out, s);
    return 0;
  }
}
