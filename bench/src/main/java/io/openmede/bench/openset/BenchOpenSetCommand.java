package io.openmede.bench.openset;

import io.openmede.model.DefaultWeights;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.openset.ThresholdScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench openset}: the open-set scores side by side on the synthetic world ({@link
 * OpenSetBenchmark}); prints a table per model and ends with one {@code RESULT} line for the
 * fine-tuned checkpoint, the one recognizers serve after the first swap.
 */
@Command(
    name = "openset",
    mixinStandardHelpOptions = true,
    description =
        "Compare the open-set scores (max-softmax, max-cosine, energy, background,"
            + " learned-background) on the"
            + " synthetic world with the 13 base actions as vocabulary: known-action clips against"
            + " unknown-action and scene-only clips, in and out of context; AUROC, false alarm rate"
            + " at 90 % recall, calibrated thresholds (fitted as the trainer fits them, on another"
            + " draw: cal. recall counts known clips recognized under their own label, cal. kept"
            + " those recognized under any label, cal. FPR the others) and false episodes per"
            + " camera-hour on empty scenes for a 2-window rule; the frozen and a plain fine-tuned"
            + " tiny CLIP.")
public final class BenchOpenSetCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Quick size (2 seeds, 5 clips per action, 20 updates).")
  boolean quick;

  @Option(names = "--tiny-test", description = "Unit-test size (seconds).", hidden = true)
  boolean tinyTest;

  @Option(names = "--seeds", description = "Calibration and test draws (default 3).")
  Integer seeds;

  @Option(names = "--per-action", description = "Test clips per action and set (default 10).")
  Integer perAction;

  @Option(names = "--updates", description = "Plain fine-tuning updates (default 60).")
  Integer updates;

  @Option(
      names = "--recall",
      defaultValue = "0.9",
      description = "Target recall of the calibrated thresholds (default ${DEFAULT-VALUE}).")
  double recall;

  @Option(
      names = "--background",
      split = ",",
      defaultValue = "background",
      description =
          "Background class names of the background score, comma-separated (default"
              + " ${DEFAULT-VALUE}, as trainer.openset.background).")
  List<String> background;

  @Option(
      names = "--scene-negatives",
      description =
          "Scene-only clips per action among the calibration draw's negatives (default: as many"
              + " as --per-action; the first version used half as many).")
  Integer sceneNegatives;

  @Option(
      names = "--thresholds",
      defaultValue = "window",
      description =
          "What the calibrated thresholds are fitted on, as trainer.openset.thresholds: window"
              + " (one threshold on the best label's score) or per-label (default"
              + " ${DEFAULT-VALUE}).")
  String thresholds;

  @Option(
      names = "--folds",
      defaultValue = "5",
      description =
          "Cross-fitting folds of the learned-background thresholds, as trainer.openset.folds; 1"
              + " for none, as the first version (default ${DEFAULT-VALUE}).")
  int folds;

  @Option(
      names = "--region-recall",
      defaultValue = "0.95",
      description =
          "Share of the calibration draw's known clips the known region keeps, as"
              + " trainer.openset.region.recall (default ${DEFAULT-VALUE}).")
  double regionRecall;

  @Option(
      names = "--validation",
      description =
          "Also measure the validation draws (world seeds 4001.. and 5001.., on which design"
              + " choices are made), before the test draws; the best score is then chosen on"
              + " them.")
  boolean validation;

  @Option(
      names = "--weights",
      description = "Pretrained weights to start from (default: the bundled tiny weights).")
  Path weights;

  private final PrintStream stdout;

  /** Prints to {@link System#out}. */
  public BenchOpenSetCommand() {
    this(System.out);
  }

  /** Prints to {@code stdout}. */
  public BenchOpenSetCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  OpenSetBenchmark.Config config() {
    int s = tinyTest ? 1 : quick ? 2 : 3;
    int p = tinyTest ? 1 : quick ? 5 : 10;
    int u = tinyTest ? 1 : quick ? 20 : 60;
    int pa = perAction == null ? p : perAction;
    return new OpenSetBenchmark.Config(
        seeds == null ? s : seeds,
        pa,
        tinyTest ? 2 : 2 * pa,
        updates == null ? u : updates,
        recall,
        background,
        sceneNegatives == null ? pa : sceneNegatives,
        ThresholdScope.parse(thresholds),
        validation,
        folds,
        regionRecall);
  }

  @Override
  public Integer call() throws IOException {
    OpenSetBenchmark.Config c = config();
    Path w = weights != null ? weights : DefaultWeights.extract();
    stdout.printf(
        Locale.ROOT,
        "open-set benchmark: weights %s; %d seed(s); %d clips per action and set; %d scene-only"
            + " windows per stream; plain fine-tuning %d updates of %d tasks x 2 batches x %d;"
            + " target recall %.2f; background %s; calibration negatives: %d scene-only clips per"
            + " action and novel actions; %s thresholds, learned class cross-fitted in %d fold(s);"
            + " draws: %s%n",
        weights != null ? w : "bundled tiny",
        c.seeds(),
        c.perAction(),
        c.sceneWindows(),
        c.updates(),
        OpenSetBenchmark.TASKS,
        OpenSetBenchmark.BATCH,
        c.recall(),
        c.background(),
        c.sceneNegatives(),
        c.scope().text(),
        c.folds(),
        c.validation()
            ? "validation (4001.., 5001..) and test (2001.., 3001..)"
            : "test (2001..," + " 3001..)");
    long started = System.nanoTime();
    Map<String, OpenSetBenchmark.Figures> figures = new OpenSetBenchmark(w, c, stdout).run();
    figures.forEach((model, f) -> stdout.print(table(model, f, c.seeds())));
    OpenSetBenchmark.Figures tuned = figures.get("fine-tuned");
    // the best kind is chosen on the validation draws when they were measured, so that the test
    // draws only report it
    OpenSetBenchmark.Figures chooseOn =
        c.validation() ? figures.get("fine-tuned, validation") : tuned;
    OpenSetScore best = OpenSetScore.MAX_SOFTMAX;
    for (OpenSetScore k : OpenSetScore.values()) {
      if (chooseOn.mean(k.text() + ".fpr90") < chooseOn.mean(best.text() + ".fpr90")) {
        best = k;
      }
    }
    String soft = OpenSetScore.MAX_SOFTMAX.text() + ".";
    String b = best.text() + ".";
    stdout.printf(
        Locale.ROOT,
        "best (lowest false alarm rate at 90 %% recall, fine-tuned, %s draws): %s; %.0f s in all%n",
        c.validation() ? "validation" : "test",
        best.text(),
        (System.nanoTime() - started) / 1e9);
    stdout.printf(
        Locale.ROOT,
        "RESULT auroc_softmax=%.4f auroc_best=%.4f fpr90_softmax=%.4f fpr90_best=%.4f"
            + " false_episodes_per_hour_softmax=%.1f false_episodes_per_hour_best=%.1f best=%s"
            + " frozen_fpr90_softmax=%.4f frozen_fpr90_best=%.4f seeds=%d"
            + " fpr90_ratio=%.3f chosen_on=%s kept_best=%.4f region_kept_best=%.4f"
            + " fpr_best=%.4f region_fpr_best=%.4f region_fpr90_best=%.4f region_recall=%.2f%n",
        tuned.mean(soft + "auroc"),
        tuned.mean(b + "auroc"),
        tuned.mean(soft + "fpr90"),
        tuned.mean(b + "fpr90"),
        tuned.mean(soft + "episodes-per-hour"),
        tuned.mean(b + "episodes-per-hour"),
        best.text(),
        figures.get("frozen").mean(soft + "fpr90"),
        figures.get("frozen").mean(b + "fpr90"),
        c.seeds(),
        tuned.mean(b + "fpr90") / tuned.mean(soft + "fpr90"),
        c.validation() ? "validation" : "test",
        tuned.mean(b + "calibrated.kept"),
        tuned.mean(b + "region.kept"),
        tuned.mean(b + "calibrated.fpr"),
        tuned.mean(b + "region.fpr"),
        tuned.mean(b + "region.fpr90"),
        c.regionRecall());
    return 0;
  }

  static String table(String model, OpenSetBenchmark.Figures f, int seeds) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%n%s (mean ± sd over %d seed(s)):%n%-18s %-15s %-15s %-15s %-15s %-15s %-15s %-15s"
                + " %-15s%n",
            model,
            seeds,
            "score",
            "AUROC",
            "FPR@90 all",
            "FPR@90 empty",
            "FPR@90 unknown",
            "cal. recall",
            "cal. kept",
            "cal. FPR",
            "false ep./h"));
    for (OpenSetScore k : OpenSetScore.values()) {
      String p = k.text() + ".";
      s.append(
          String.format(
              Locale.ROOT,
              "%-18s %-15s %-15s %-15s %-15s %-15s %-15s %-15s %-15s%n",
              k.text(),
              pm(f, p + "auroc", 3),
              pm(f, p + "fpr90", 3),
              pm(f, p + "fpr90.empty", 3),
              pm(f, p + "fpr90.unknown", 3),
              pm(f, p + "calibrated.recall", 3),
              pm(f, p + "calibrated.kept", 3),
              pm(f, p + "calibrated.fpr", 3),
              pm(f, p + "episodes-per-hour", 0)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "with the known region (kept at %s of known, %s of unknown, %s of empty clips):%n"
                + "%-18s %-15s %-15s %-15s%n",
            pm(f, "region.inside.known", 3),
            pm(f, "region.inside.unknown", 3),
            pm(f, "region.inside.empty", 3),
            "score",
            "cal. kept",
            "cal. FPR",
            "FPR@90 all"));
    for (OpenSetScore k : OpenSetScore.values()) {
      String p = k.text() + ".";
      s.append(
          String.format(
              Locale.ROOT,
              "%-18s %-15s %-15s %-15s%n",
              k.text(),
              pm(f, p + "region.kept", 3),
              pm(f, p + "region.fpr", 3),
              pm(f, p + "region.fpr90", 3)));
    }
    return s.toString();
  }

  private static String pm(OpenSetBenchmark.Figures f, String key, int digits) {
    return String.format(
        Locale.ROOT, "%." + digits + "f ± %." + digits + "f", f.mean(key), f.sd(key));
  }
}
