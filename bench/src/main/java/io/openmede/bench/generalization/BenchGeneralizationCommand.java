package io.openmede.bench.generalization;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.DefaultWeights;
import io.openmede.model.TorchThreads;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench generalization}: the base-to-novel and out-of-context benchmark on the synthetic
 * world (see {@link GeneralizationBenchmark}); prints the tables and the hyper-parameters, writes
 * CSV and PNG to the output directory and ends with one {@code RESULT} line per method.
 */
@Command(
    name = "generalization",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune the pretrained tiny CLIP on base actions with every arm of an equal-budget"
            + " factorial (plain at 2NB vs Open-MeDe made to act, each with and without GWA) plus"
            + " plain at B (with GWA, interpolation), the paper-literal Open-MeDe and an oracle, on"
            + " the same clips per seed, each arm's learning rate tuned on a validation world;"
            + " score base/novel in context, on scenes held out of video training (SCUBA-like,"
            + " world v3) and on never-seen scenes (covariate-shift diagnostic), and the"
            + " HAT-like set; gate, paired t-intervals, Holm and the verdict.")
public final class BenchGeneralizationCommand implements Callable<Integer> {

  @Option(
      names = "--quick",
      description = "Quick size (2 seeds, 30 updates, three candidate rates; a few minutes).")
  boolean quick;

  @Option(names = "--tiny-test", description = "Unit-test size (seconds).", hidden = true)
  boolean tinyTest;

  @Option(
      names = "--out",
      defaultValue = "target/bench-generalization",
      description = "Output dir.")
  Path out;

  @Option(
      names = "--weights",
      description = "Pretrained weights to start from (default: the bundled tiny weights).")
  Path weights;

  @Option(names = "--seeds", description = "Override the number of seeds.")
  Integer seeds;

  @Option(names = "--updates", description = "Override updates per run.")
  Integer updates;

  @Option(names = "--delta", description = "Override δ (paper: 1.67e-3; Eq. 8 reads as 1).")
  Double delta;

  @Option(
      names = "--lr",
      description =
          "One peak learning rate β for every arm: nothing is tuned (the validation world still"
              + " picks the Open-MeDe method compared with plain).")
  Double lr;

  @Option(
      names = "--lr-grid",
      split = ",",
      description =
          "Candidate peak rates β, comma-separated; each arm's is chosen on the validation world"
              + " (default 3e-5,1e-4,3e-4).")
  List<Double> lrGrid;

  @Option(
      names = "--alpha",
      description =
          "A fixed inner step alpha for the paper-literal arm (default: alpha = beta, as the"
              + " paper); a deviation, stated in the output.")
  Double alpha;

  @Option(
      names = "--inner-steps",
      description =
          "k: inner steps of the acting Open-MeDe arm (default 1; more is a deviation from the"
              + " paper, stated in the output).")
  Integer innerSteps;

  @Option(
      names = "--validation-world-seed",
      description =
          "The world each arm's learning rate is tuned on (default 1); must differ from"
              + " --world-seed.")
  Long validationWorldSeed;

  @Option(
      names = "--arms",
      split = ",",
      paramLabel = "ARM",
      converter = ArmSelection.NameConverter.class,
      description =
          "The arms to run, comma-separated, among: "
              + ArmSelection.NAMES_TEXT
              + " (default: all). An"
              + " arm brings its -gwa row (and plain its interp row); only the arms run are tuned"
              + " (plain also for an oracle: they take its rate); a comparison or gate needing an"
              + " arm not run says so, and its RESULT values are na. Example:"
              + " --arms plain,oracle-every-scene.")
  List<String> arms;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "libtorch intra-op threads, set before the engine starts (default 1: each arm's scores"
              + " are computed on a second thread while the next arm trains, so two cores are"
              + " used without the cost of splitting the small model's operations; 0 for one per"
              + " core).")
  int threads;

  @Option(
      names = "--world-seed",
      description =
          "The world's seed (default 0, the test world); tune hyper-parameters on another seed,"
              + " a validation world, never on the test world.")
  Long worldSeed;

  private final PrintStream stdout;

  /** Prints to {@link System#out}. */
  public BenchGeneralizationCommand() {
    this(System.out);
  }

  /** Prints to {@code stdout}. */
  public BenchGeneralizationCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  BenchmarkConfig config() {
    BenchmarkConfig c =
        tinyTest
            ? BenchmarkConfig.tinyTest()
            : quick ? BenchmarkConfig.quick() : BenchmarkConfig.defaults();
    return new BenchmarkConfig(
        seeds == null ? c.seeds() : seeds,
        updates == null ? c.updates() : updates,
        c.tasksPerUpdate(),
        c.batchSize(),
        lr != null ? List.of(lr) : lrGrid != null ? lrGrid : c.learningRates(),
        c.finalRateFraction(),
        c.warmupFraction(),
        delta == null ? c.delta() : delta,
        c.weightDecay(),
        c.gwaSnapshots(),
        c.gwaMu(),
        c.gwaSigma(),
        c.interpolation(),
        c.evalPerAction(),
        c.sceneOnlyPerAction(),
        c.primaryPerAction(),
        c.confidence(),
        worldSeed == null ? c.worldSeed() : worldSeed,
        validationWorldSeed == null ? c.validationWorldSeed() : validationWorldSeed,
        alpha == null ? c.alpha() : java.util.OptionalDouble.of(alpha),
        innerSteps == null ? c.innerSteps() : innerSteps);
  }

  /** The arms of {@code --arms}, or every arm. */
  ArmSelection arms() {
    return arms == null ? ArmSelection.all() : ArmSelection.of(arms);
  }

  @Override
  public Integer call() throws IOException {
    if (threads < 0) {
      throw new IllegalArgumentException(
          "--threads must be >= 0 (1 by default, 0 for one per core), got " + threads);
    }
    TorchThreads.set(threads);
    BenchmarkConfig c = config();
    ArmSelection selected = arms();
    Path w = weights != null ? weights : DefaultWeights.extract();
    Files.createDirectories(out);
    ClipConfig arch = ClipModel.inspect(w);
    stdout.println(
        "generalization benchmark: weights "
            + (weights != null ? w : "bundled tiny")
            + " ("
            + arch.imageResolution()
            + " px frames, vision "
            + arch.visionWidth()
            + " x "
            + arch.visionLayers()
            + " layers)");
    stdout.println(c.describe());
    stdout.println("arms: " + (selected.isAll() ? "all" : selected.describe()));
    long started = System.nanoTime();
    Path interim = out.resolve(INTERIM);
    GeneralizationBenchmark.Outcome o;
    try (GeneralizationBenchmark bench =
        new GeneralizationBenchmark(w, arch.imageResolution(), c, selected, stdout)) {
      o =
          bench.run(
              partial -> {
                int n = partial.methods().get(0).perSeed().size();
                if (n < 2 || n == c.seeds()) {
                  return;
                }
                // the report of the seeds done so far, so that a run cut short still counts
                try {
                  Files.writeString(
                      interim,
                      "INTERIM after "
                          + n
                          + " of "
                          + c.seeds()
                          + " seeds\n"
                          + report(c, partial)
                          + BenchmarkReport.resultLine(
                              Verdict.gate(partial),
                              Verdict.primary(partial.methods(), partial.tuning().chosenOpenMeDe()),
                              partial.methods(),
                              partial));
                } catch (IOException e) {
                  stdout.println("could not write the interim report " + interim + ": " + e);
                }
              });
    }
    List<MethodResult> results = o.methods();
    Verdict.Gate gate = Verdict.gate(o);
    List<Verdict.Primary> primary = Verdict.primary(results, o.tuning().chosenOpenMeDe());
    stdout.print(report(c, o));
    Path csv = out.resolve(BenchmarkReport.CSV);
    Path png = out.resolve(BenchmarkReport.PNG);
    BenchmarkReport.writeCsv(csv, results);
    Path json = out.resolve(BenchmarkReport.JSON);
    BenchmarkReport.writeJson(json, c, o, gate, primary);
    BenchmarkReport.writeChart(
        png,
        results,
        String.format(
            Locale.ROOT,
            "Synthetic world: tiny CLIP fine-tuned on base actions (mean ± std, %d seed(s))",
            c.seeds()));
    stdout.printf(
        Locale.ROOT,
        "%nwrote %s, %s and %s in %.0f s (process CPU %.0f s, libtorch intra-op threads %s)%n",
        csv,
        json,
        png,
        (System.nanoTime() - started) / 1e9,
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1e9,
        threads == 0 ? "one per core" : threads);
    stdout.print(BenchmarkReport.resultLine(gate, primary, results, o));
    return 0;
  }

  /** Name of the interim report (the seeds done so far) in the output directory. */
  static final String INTERIM = "generalization-interim.txt";

  /** The hyper-parameters, tuning, tables, diagnostics and verdict of an outcome. */
  private static String report(BenchmarkConfig c, GeneralizationBenchmark.Outcome o) {
    List<MethodResult> results = o.methods();
    Verdict.Gate gate = Verdict.gate(o);
    List<Verdict.Primary> primary = Verdict.primary(results, o.tuning().chosenOpenMeDe());
    return String.format(Locale.ROOT, "%nhyper-parameters:%n%s%n%n", c.describe())
        + BenchmarkReport.tuning(o.tuning())
        + System.lineSeparator()
        + BenchmarkReport.tables(results, results.get(0).perSeed().size())
        + BenchmarkReport.diagnostics(o.diagnostics())
        + BenchmarkReport.verdict(gate, primary, results);
  }

  /**
   * Runs the command on its own (the launcher wires it as {@code openmede bench generalization}).
   */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchGeneralizationCommand()).execute(args));
  }
}
