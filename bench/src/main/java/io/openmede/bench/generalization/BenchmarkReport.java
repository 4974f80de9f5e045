package io.openmede.bench.generalization;

import io.openmede.trainer.eval.PairedComparison;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Tables, verdict, CSV, chart and the RESULT line of the generalization benchmark. Stateless. */
final class BenchmarkReport {

  /** CSV file name in the output directory. */
  static final String CSV = "generalization.csv";

  /** JSON report file name in the output directory. */
  static final String JSON = "generalization.json";

  /** Chart file name in the output directory. */
  static final String PNG = "generalization.png";

  private BenchmarkReport() {}

  private static String cell(MethodResult r, String metric) {
    return String.format(Locale.ROOT, "%5.1f ± %4.1f", 100 * r.mean(metric), 100 * r.std(metric));
  }

  /** The tables, in percent, mean ± std over seeds. */
  static String tables(List<MethodResult> results, int seeds) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Base-to-novel in context (paper Tab. 1 protocol: base among base labels, novel among"
                + " novel labels), top-1 %%, mean ± std over %d seed(s)%n",
            seeds));
    sb.append(
        String.format(
            Locale.ROOT, "%-20s | %-13s | %-13s | %-13s%n", "method", "base", "novel", "HM"));
    for (MethodResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-20s | %s | %s | %s%n",
              r.method(),
              cell(r, "base_ic"),
              cell(r, "novel_ic"),
              cell(r, "hm_b2n")));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nOut of context, %%: base/novel actions on scenes held out of video training (shown"
                + " by pretraining stills only: SCUBA-like, world v3); HM of in-context and"
                + " SCUBA-like; an actor on another action's home scene (HAT-like: top-1 over all 20"
                + " labels, and how often the prediction follows the scene); actor-less home"
                + " scenes given their home action (lower is better); novel actions on never-seen"
                + " scenes (a covariate-shift diagnostic, not the static-bias test)%n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-20s | %-13s | %-13s | %-13s | %-13s | %-13s | %-13s | %-13s%n",
            "method",
            "base scuba",
            "novel scuba",
            "HM ic/scuba",
            "HAT top-1",
            "follows scene",
            "scene-only",
            "novel unseen"));
    for (MethodResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-20s | %s | %s | %s | %s | %s | %s | %s%n",
              r.method(),
              cell(r, "base_ooc"),
              cell(r, "novel_ooc"),
              cell(r, "hm_ic_ooc"),
              cell(r, "foreign_home_top1"),
              cell(r, "foreign_home_scene"),
              cell(r, "scene_only_home"),
              cell(r, "novel_unseen")));
    }
    return sb.toString();
  }

  /** Whether the meta term acts: the Open-MeDe runs' step sizes, mean over seeds. */
  static String diagnostics(List<GeneralizationBenchmark.Diagnostics> diagnostics) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nDoes the meta term act? Mean per update over the run and the seeds: the inner step"
                + " |theta' - theta|, the outer step |theta(u+1) - theta(u)|, |gS|, |delta gQ|,"
                + " and the meta-term ratio |gQ(theta') - gQ(theta)| / |gQ(theta)| (first task of"
                + " each update; above 0.01 the inner step changes the query gradient by more"
                + " than 1 %%)%n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-20s | %-11s | %-11s | %-11s | %-11s | %-15s | %s%n",
            "method",
            "inner",
            "outer",
            "|gS|",
            "|delta gQ|",
            "|delta gQ|/|gS|",
            "meta-term ratio"));
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (GeneralizationBenchmark.Diagnostics d : diagnostics) {
      double[] s = sums.computeIfAbsent(d.method(), k -> new double[6]);
      s[0] += d.innerStep();
      s[1] += d.outerStep();
      s[2] += d.supportGradient();
      s[3] += d.queryTerm();
      s[4] += d.metaTermRatio();
      s[5]++;
    }
    sums.forEach(
        (m, s) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "%-20s | %11.3e | %11.3e | %11.3e | %11.3e | %15.4f | %.4f%n",
                    m,
                    s[0] / s[5],
                    s[1] / s[5],
                    s[2] / s[5],
                    s[3] / s[5],
                    s[2] == 0 ? 0 : s[3] / s[2],
                    s[4] / s[5])));
    return sb.toString();
  }

  /** Mean meta-term ratio of one method over its seeds (0 when absent). */
  static double metaTermRatio(List<GeneralizationBenchmark.Diagnostics> diagnostics, String m) {
    return diagnostics.stream()
        .filter(d -> d.method().equals(m))
        .mapToDouble(GeneralizationBenchmark.Diagnostics::metaTermRatio)
        .average()
        .orElse(0);
  }

  /** The rates chosen on the validation world, printed with the table. */
  static String tuning(GeneralizationBenchmark.Tuning t) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nLearning rates (peak beta) %s on validation world %d (never the test clips):%n",
            t.tuned() ? "chosen" : "given, not tuned; scored",
            t.validationWorldSeed()));
    t.rates()
        .forEach(
            (arm, rate) ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "  %-17s %.1e%s%n",
                        arm,
                        rate,
                        arm.equals("oracle") ? " (plain's)" : "")));
    sb.append(
        "  validation score (mean of HAT-like top-1 and SCUBA-like novel top-1, %) per candidate:\n");
    t.scores()
        .forEach((k, v) -> sb.append(String.format(Locale.ROOT, "    %-30s %5.1f%n", k, 100 * v)));
    sb.append(
        String.format(
            Locale.ROOT,
            "  Open-MeDe method chosen on the validation world for comparison (c): %s%n",
            t.chosenOpenMeDe().orElse("none (no Open-MeDe arm run)")));
    return sb.toString();
  }

  /** The gate, the primary comparisons' sentences and the secondary differences. */
  static String verdict(
      Verdict.Gate gate, List<Verdict.Primary> primary, List<MethodResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n%s%n", gate.describe()));
    sb.append(diagnosticOracle(results));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nPrimary comparisons (fixed in advance; paired per seed; decided by Holm-adjusted p"
                + " over all six at familywise 5 %%). HAT-like: actor on another action's home"
                + " scene, all labels; scuba_novel: novel actions on scenes held out of video"
                + " training (world v3), novel labels:%n"));
    for (Verdict.Primary c : primary) {
      sb.append("  ").append(Verdict.sentence(gate, c)).append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nSecondary (descriptive, uncorrected): each method minus plain, points, mean [95 %%"
                + " CI]%n%-20s | %-22s | %-22s | %-22s%n",
            "method",
            "novel scuba",
            "HM ic/scuba",
            "HM base/novel"));
    List<List<PairedComparison>> cols =
        List.of(
            Verdict.secondary(results, "novel_ooc"),
            Verdict.secondary(results, "hm_ic_ooc"),
            Verdict.secondary(results, "hm_b2n"));
    if (Verdict.findRun(results, Verdict.CONTROL).isEmpty()) {
      sb.append("  not run: arm plain not run\n");
    }
    for (int i = 0; i < cols.get(0).size(); i++) {
      String name = cols.get(0).get(i).name();
      sb.append(String.format(Locale.ROOT, "%-20s", name.substring(0, name.indexOf(" - "))));
      for (List<PairedComparison> col : cols) {
        PairedComparison c = col.get(i);
        sb.append(
            String.format(
                Locale.ROOT,
                " | %+5.1f [%6.1f, %6.1f]",
                100 * c.meanDifference(),
                100 * c.ciLow(),
                100 * c.ciHigh()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The diagnostic oracle (every in-context and held-out scene, independent of the action) against
   * plain and frozen on the two primary metrics: if it does not clearly beat both, the model is too
   * small to see the motion at this scale (issue 33, item 3).
   */
  static String diagnosticOracle(List<MethodResult> results) {
    StringBuilder sb = new StringBuilder();
    boolean clear = true;
    sb.append(
        String.format(
            Locale.ROOT,
            "%nDiagnostic oracle (plain at B, every in-context and held-out scene independent of"
                + " the action; not a method), paired, 95 %%:%n"));
    if (Verdict.findRun(results, "oracle-every-scene").isEmpty()) {
      return sb.append("  not run: arm oracle-every-scene not run\n").toString();
    }
    MethodResult every = Verdict.find(results, "oracle-every-scene");
    boolean all = true;
    for (String other : List.of("plain", "frozen")) {
      if (Verdict.findRun(results, other).isEmpty()) {
        all = false;
        sb.append(
            String.format(
                Locale.ROOT, "  oracle-every-scene - %s: not run: arm %s not run%n", other, other));
        continue;
      }
      for (String metric : Verdict.PRIMARY) {
        PairedComparison c =
            PairedComparison.of(
                "oracle-every-scene - " + other + " on " + Verdict.label(metric),
                every.values(metric),
                Verdict.find(results, other).values(metric),
                1 - Verdict.ALPHA);
        clear &= c.ciLow() > 0;
        sb.append(
            String.format(
                Locale.ROOT,
                "  %s: %+.1f points [%.1f, %.1f]%n",
                c.name(),
                100 * c.meanDifference(),
                finite(100 * c.ciLow()),
                finite(100 * c.ciHigh())));
      }
    }
    sb.append(
        !clear
            ? "  it does not clearly beat plain and frozen on both (an interval reaches 0): at this"
                + " scale the model may be too small to see the motion (issue 33 item 3: a larger"
                + " preset)\n"
            : all
                ? "  it beats plain and frozen on both: the model can see the motion on these"
                    + " scenes\n"
                : "  it beats every arm that ran on both; the others were not run\n");
    return sb.toString();
  }

  /**
   * The one {@code RESULT ...} line (percent; the meta-term ratio as a fraction). Its keys are the
   * same whatever arms ran; a value whose arms did not run is {@code na}.
   */
  static String resultLine(
      Verdict.Gate gate,
      List<Verdict.Primary> primary,
      List<MethodResult> results,
      GeneralizationBenchmark.Outcome outcome) {
    Optional<PairedComparison> meta = primary.get(0).comparison();
    Optional<PairedComparison> gwa = primary.get(2).comparison();
    Optional<String> chosen = outcome.tuning().chosenOpenMeDe();
    Map<String, String> v = new LinkedHashMap<>();
    v.put("seeds", Integer.toString(results.get(0).perSeed().size()));
    v.put("gate", !gate.notRun().isEmpty() ? "na" : gate.pass() ? "pass" : "fail");
    v.put("oracle_hat", mean(results, Optional.of("oracle"), Verdict.HAT));
    v.put("plain_hat", mean(results, Optional.of("plain"), Verdict.HAT));
    v.put("openmede_hat", mean(results, chosen, Verdict.HAT));
    v.put("oracle_scuba_novel", mean(results, Optional.of("oracle"), Verdict.SCUBA_NOVEL));
    v.put("plain_scuba_novel", mean(results, Optional.of("plain"), Verdict.SCUBA_NOVEL));
    v.put("openmede_scuba_novel", mean(results, chosen, Verdict.SCUBA_NOVEL));
    v.put("meta_vs_plain2nb_hat", number(meta.map(c -> 100 * c.meanDifference()), "%.1f"));
    v.put("ci_low", number(meta.map(c -> finite(100 * c.ciLow())), "%.1f"));
    v.put("ci_high", number(meta.map(c -> finite(100 * c.ciHigh())), "%.1f"));
    v.put("gwa_effect_hat", number(gwa.map(c -> 100 * c.meanDifference()), "%.1f"));
    v.put(
        "meta_term_ratio",
        number(
            Verdict.findRun(results, "open-mede-acting")
                .map(r -> metaTermRatio(outcome.diagnostics(), "open-mede-acting")),
            "%.4f"));
    v.put("oracle_every_scene_hat", mean(results, Optional.of("oracle-every-scene"), Verdict.HAT));
    v.put(
        "oracle_every_scene_scuba_novel",
        mean(results, Optional.of("oracle-every-scene"), Verdict.SCUBA_NOVEL));
    v.put("frozen_hat", mean(results, Optional.of("frozen"), Verdict.HAT));
    v.put("frozen_scuba_novel", mean(results, Optional.of("frozen"), Verdict.SCUBA_NOVEL));
    StringBuilder sb = new StringBuilder("RESULT");
    v.forEach((k, x) -> sb.append(' ').append(k).append('=').append(x));
    return sb.append(String.format("%n")).toString();
  }

  /** A method's mean in percent, or {@code na} when it did not run. */
  private static String mean(List<MethodResult> results, Optional<String> method, String metric) {
    return number(
        method.flatMap(m -> Verdict.findRun(results, m)).map(r -> 100 * r.mean(metric)), "%.1f");
  }

  private static String number(Optional<Double> v, String format) {
    return v.map(x -> String.format(Locale.ROOT, format, x)).orElse("na");
  }

  /** An infinite interval end (one seed) is written as ±999. */
  private static double finite(double v) {
    return Double.isInfinite(v) ? Math.copySign(999, v) : v;
  }

  /** Writes the CSV: one row per method and metric with mean, std and every seed's value. */
  static void writeCsv(Path file, List<MethodResult> results) throws IOException {
    StringBuilder sb = new StringBuilder("method,metric,mean,std,per_seed\n");
    for (MethodResult r : results) {
      for (String metric : Scores.NAMES) {
        StringBuilder seeds = new StringBuilder();
        for (double v : r.values(metric)) {
          if (seeds.length() > 0) {
            seeds.append(';');
          }
          seeds.append(String.format(Locale.ROOT, "%.4f", v));
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%.4f,%.4f,%s%n",
                r.method(),
                metric,
                r.mean(metric),
                r.std(metric),
                seeds));
      }
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Writes the JSON report: the hyper-parameters, every method's per-seed values, the meta term's
   * step sizes, the gate and the primary comparisons.
   */
  static void writeJson(
      Path file,
      BenchmarkConfig config,
      GeneralizationBenchmark.Outcome outcome,
      Verdict.Gate gate,
      List<Verdict.Primary> primary)
      throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("hyper_parameters", config.describe());
    Map<String, Object> methods = new LinkedHashMap<>();
    for (MethodResult m : outcome.methods()) {
      Map<String, Object> metrics = new LinkedHashMap<>();
      for (String metric : Scores.NAMES) {
        metrics.put(metric, m.values(metric));
      }
      methods.put(m.method(), metrics);
    }
    r.put("per_seed", methods);
    r.put("meta_term", outcome.diagnostics());
    GeneralizationBenchmark.Tuning t = outcome.tuning();
    Map<String, Object> tuning = new LinkedHashMap<>();
    tuning.put("rates", t.rates());
    tuning.put("scores", t.scores());
    tuning.put("chosenOpenMeDe", t.chosenOpenMeDe().orElse(null));
    tuning.put("validationWorldSeed", t.validationWorldSeed());
    tuning.put("tuned", t.tuned());
    r.put("tuning", tuning);
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("pass", gate.pass());
    g.put("not_run", gate.notRun());
    g.put("chance", gate.chance());
    g.put("frozenTop1", gate.frozenTop1());
    g.put("frozenLow", gate.frozenLow());
    g.put("oracleHat", gate.oracleHat().orElse(null));
    g.put("oracleNovel", gate.oracleNovel().orElse(null));
    g.put("verdict", gate.describe());
    r.put("gate", g);
    List<Object> comparisons = new java.util.ArrayList<>();
    for (Verdict.Primary p : primary) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("comparison", p.name());
      if (p.comparison().isEmpty()) {
        x.put("not_run", p.notRun());
        x.put("verdict", Verdict.sentence(gate, p));
        comparisons.add(x);
        continue;
      }
      PairedComparison c = p.comparison().get();
      x.put("n", c.n());
      x.put("mean_difference", c.meanDifference());
      x.put("level", c.level());
      x.put("ci_low", Double.isFinite(c.ciLow()) ? c.ciLow() : null);
      x.put("ci_high", Double.isFinite(c.ciHigh()) ? c.ciHigh() : null);
      x.put("p_holm", c.p());
      x.put("decided", c.decided());
      x.put(
          "smallest_detectable",
          Double.isFinite(c.smallestDetectable()) ? c.smallestDetectable() : null);
      x.put("verdict", Verdict.sentence(gate, c));
      comparisons.add(x);
    }
    r.put("primary", comparisons);
    new com.fasterxml.jackson.databind.ObjectMapper()
        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), r);
  }

  private static final Color[] COLOURS = {
    new Color(0x9e9e9e),
    new Color(0x1f77b4),
    new Color(0x17becf),
    new Color(0xff7f0e),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0xbcbd22)
  };

  /** Writes a grouped bar chart (groups: metrics; bars: methods; whiskers: ± std) as PNG. */
  public static void writeChart(Path file, List<MethodResult> results, String title)
      throws IOException {
    String[] metrics = {
      "base_ic", "novel_ic", "hm_b2n", "novel_ooc", "hm_ic_ooc", "scene_only_home"
    };
    String[] captions = {
      "base top-1",
      "novel top-1",
      "HM",
      "novel OOC top-1",
      "HM in/out ctx",
      "scene-only home (lower)"
    };
    int w = 1400;
    int h = 520;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      int left = 60;
      int right = w - 20;
      int top = 50;
      int bottom = h - 90;
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, left, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int p = 0; p <= 100; p += 20) {
        int y = bottom - (bottom - top) * p / 100;
        g.setColor(new Color(0xdddddd));
        g.drawLine(left, y, right, y);
        g.setColor(Color.BLACK);
        g.drawString(p + "%", 20, y + 4);
      }
      g.drawLine(left, bottom, right, bottom);
      int groupWidth = (right - left) / metrics.length;
      int bar = Math.max(4, (groupWidth - 30) / Math.max(1, results.size()));
      for (int gi = 0; gi < metrics.length; gi++) {
        int x0 = left + gi * groupWidth + 15;
        for (int ri = 0; ri < results.size(); ri++) {
          double mean = results.get(ri).mean(metrics[gi]);
          double std = results.get(ri).std(metrics[gi]);
          int x = x0 + ri * bar;
          int y = bottom - (int) Math.round((bottom - top) * clamp(mean));
          g.setColor(COLOURS[ri % COLOURS.length]);
          g.fillRect(x, y, bar - 2, bottom - y);
          g.setColor(Color.BLACK);
          g.setStroke(new BasicStroke(1.2f));
          int cx = x + (bar - 2) / 2;
          int yHi = bottom - (int) Math.round((bottom - top) * clamp(mean + std));
          int yLo = bottom - (int) Math.round((bottom - top) * clamp(mean - std));
          g.drawLine(cx, yHi, cx, yLo);
        }
        g.setColor(Color.BLACK);
        g.drawString(captions[gi], x0, bottom + 18);
      }
      int lx = left;
      for (int ri = 0; ri < results.size(); ri++) {
        g.setColor(COLOURS[ri % COLOURS.length]);
        g.fillRect(lx, h - 40, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(results.get(ri).method(), lx + 18, h - 28);
        lx += 120;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
