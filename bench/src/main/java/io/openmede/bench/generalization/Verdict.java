package io.openmede.bench.generalization;

import io.openmede.trainer.eval.PairedComparison;
import io.openmede.world.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmark may conclude. The primary comparisons are fixed in advance, paired per seed,
 * each on the two primary metrics (HAT-like top-1: an actor on another action's home scene, scored
 * over all labels; and novel top-1 on scenes held out of video training, SCUBA-like), decided by
 * Holm-adjusted p over all six:
 *
 * <ol>
 *   <li>the meta term: open-mede-acting against plain-2nb, pooled over with and without GWA (the
 *       factorial's main effect, equal steps and clips);
 *   <li>GWA against none, pooled over the factorial's two update rules;
 *   <li>the Open-MeDe method chosen on the validation world against plain at batch B.
 * </ol>
 *
 * A verdict is given only when the gate passes: the oracle (scene independent of the action in
 * training) beats plain on each primary metric with a paired 95 % interval above 0, and the frozen
 * model's zero-shot video top-1 on novel actions on held-out scenes (SCUBA-like) is above chance
 * (the lower end of a 95 % Wilson interval over the pooled clips above 1/7). Otherwise no method
 * could show an out-of-context gain at this scale, and the benchmark says so.
 */
final class Verdict {

  static final String CONTROL = "plain";
  static final String HAT = "foreign_home_top1";
  static final String SCUBA_NOVEL = "novel_ooc";
  static final List<String> PRIMARY = List.of(HAT, SCUBA_NOVEL);
  static final double ALPHA = 0.05;

  /**
   * The gate.
   *
   * @param pass every part passes
   * @param chance chance top-1 among the novel labels
   * @param frozenTop1 frozen zero-shot video top-1 on novel out-of-context clips (pooled)
   * @param frozenLow its 95 % Wilson lower end
   * @param oracleHat oracle − plain on HAT-like top-1, paired, 95 %
   * @param oracleNovel oracle − plain on novel out-of-context top-1, paired, 95 %
   */
  record Gate(
      boolean pass,
      double chance,
      double frozenTop1,
      double frozenLow,
      PairedComparison oracleHat,
      PairedComparison oracleNovel) {

    String describe() {
      List<String> why = new ArrayList<>();
      if (frozenLow <= chance) {
        why.add("the frozen model cannot name novel actions in video out of context");
      }
      if (!(oracleHat.ciLow() > 0)) {
        why.add("the oracle does not beat plain on HAT-like top-1");
      }
      if (!(oracleNovel.ciLow() > 0)) {
        why.add("the oracle does not beat plain on novel out-of-context top-1");
      }
      return String.format(
          Locale.ROOT,
          "gate: frozen zero-shot video top-1 on novel actions on held-out scenes (SCUBA-like)"
              + " %.1f %% (95 %% Wilson lower %.1f %%, chance %.1f %%); oracle - plain on HAT-like"
              + " top-1 %+.1f points [%.1f, %.1f]; on novel out-of-context top-1 %+.1f points"
              + " [%.1f, %.1f] (paired, 95 %%): %s",
          100 * frozenTop1,
          100 * frozenLow,
          100 * chance,
          100 * oracleHat.meanDifference(),
          100 * oracleHat.ciLow(),
          100 * oracleHat.ciHigh(),
          100 * oracleNovel.meanDifference(),
          100 * oracleNovel.ciLow(),
          100 * oracleNovel.ciHigh(),
          pass ? "pass" : "fail (" + String.join("; ", why) + ")");
    }
  }

  private Verdict() {}

  static Gate gate(GeneralizationBenchmark.Outcome o) {
    double chance = 1.0 / Action.novel().size();
    double ft = o.frozenNovelTotal() == 0 ? 0 : o.frozenNovelHit() / (double) o.frozenNovelTotal();
    double fl = wilsonLow(o.frozenNovelHit(), o.frozenNovelTotal());
    MethodResult oracle = find(o.methods(), "oracle");
    MethodResult plain = find(o.methods(), CONTROL);
    PairedComparison hat =
        PairedComparison.of(
            "HAT-like: oracle - plain", oracle.values(HAT), plain.values(HAT), 1 - ALPHA);
    PairedComparison novel =
        PairedComparison.of(
            "novel ooc: oracle - plain",
            oracle.values(SCUBA_NOVEL),
            plain.values(SCUBA_NOVEL),
            1 - ALPHA);
    boolean pass = fl > chance && hat.ciLow() > 0 && novel.ciLow() > 0;
    return new Gate(pass, chance, ft, fl, hat, novel);
  }

  /** The lower end of the 95 % Wilson score interval of {@code hit} successes in {@code n}. */
  static double wilsonLow(int hit, int n) {
    if (n == 0) {
      return 0;
    }
    double z = 1.959963984540054;
    double p = hit / (double) n;
    double z2n = z * z / n;
    double centre = p + z2n / 2;
    double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4 * n));
    return Math.max(0, (centre - half) / (1 + z2n));
  }

  /** Per seed, the mean of two methods' values. */
  private static double[] mean(MethodResult a, MethodResult b, String metric) {
    double[] x = a.values(metric);
    double[] y = b.values(metric);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] + y[i]) / 2;
    }
    return out;
  }

  /** The metric's short name in comparison names. */
  static String label(String metric) {
    return metric.equals(HAT) ? "hat" : "scuba_novel";
  }

  /**
   * The six primary comparisons, Holm-adjusted together, in order: meta (hat, novel), GWA (hat,
   * novel), chosen Open-MeDe vs plain (hat, novel).
   */
  static List<PairedComparison> primary(List<MethodResult> methods, String chosenOpenMeDe) {
    MethodResult acting = find(methods, "open-mede-acting");
    MethodResult actingGwa = find(methods, "open-mede-acting-gwa");
    MethodResult large = find(methods, "plain-2nb");
    MethodResult largeGwa = find(methods, "plain-2nb-gwa");
    MethodResult chosen = find(methods, chosenOpenMeDe);
    MethodResult plain = find(methods, CONTROL);
    List<PairedComparison> family = new ArrayList<>();
    for (String metric : PRIMARY) {
      family.add(
          PairedComparison.of(
              label(metric) + ": meta (open-mede-acting ± GWA) - plain-2nb (± GWA)",
              mean(acting, actingGwa, metric),
              mean(large, largeGwa, metric),
              1 - ALPHA));
    }
    for (String metric : PRIMARY) {
      family.add(
          PairedComparison.of(
              label(metric) + ": GWA - none (pooled over plain-2nb and open-mede-acting)",
              mean(actingGwa, largeGwa, metric),
              mean(acting, large, metric),
              1 - ALPHA));
    }
    for (String metric : PRIMARY) {
      family.add(
          PairedComparison.of(
              label(metric) + ": " + chosenOpenMeDe + " (chosen on validation) - plain",
              chosen.values(metric),
              plain.values(metric),
              1 - ALPHA));
    }
    return PairedComparison.holm(family, ALPHA);
  }

  /** Every method against plain on one metric, uncorrected (secondary, descriptive). */
  static List<PairedComparison> secondary(List<MethodResult> methods, String metric) {
    MethodResult c = find(methods, CONTROL);
    List<PairedComparison> out = new ArrayList<>();
    for (MethodResult m : methods) {
      if (!m.method().equals(CONTROL)) {
        out.add(
            PairedComparison.of(
                m.method() + " - " + CONTROL, m.values(metric), c.values(metric), 1 - ALPHA));
      }
    }
    return out;
  }

  /** The sentence for one primary comparison. */
  static String sentence(Gate gate, PairedComparison c) {
    String figures =
        String.format(
            Locale.ROOT,
            "Δ = %+.1f points [%.1f, %.1f] (%.1f %% interval at its Holm rank), Holm-adjusted p ="
                + " %.3f, n = %d seeds, smallest detectable %.1f points",
            100 * c.meanDifference(),
            100 * c.ciLow(),
            100 * c.ciHigh(),
            100 * c.level(),
            c.p(),
            c.n(),
            100 * c.smallestDetectable());
    if (!gate.pass()) {
      return c.name() + ": cannot decide at this scale (gate failed); " + figures;
    }
    if (!c.decided()) {
      return c.name() + ": no difference shown: " + figures;
    }
    return c.name()
        + (c.meanDifference() > 0 ? ": the first is better, " : ": the first is worse, ")
        + figures;
  }

  static MethodResult find(List<MethodResult> methods, String name) {
    return methods.stream()
        .filter(m -> m.method().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no method " + name));
  }
}
