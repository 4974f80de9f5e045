package io.openmede.bench.generalization;

import io.openmede.trainer.eval.PairedComparison;
import io.openmede.world.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmark may conclude. The primary comparisons are fixed in advance: Open-MeDe + GWA
 * against plain fine-tuning on novel out-of-context top-1 and on the HM of in-context and
 * out-of-context top-1, paired per seed, 95 % t-intervals with Holm's correction over the two. A
 * verdict is given only when the gate passes: the frozen model's zero-shot top-1 on novel
 * out-of-context stills, and the oracle's (scene independent of action in training) novel
 * out-of-context top-1, must both be clearly above chance (the lower end of a 95 % Wilson interval
 * over the pooled clips above 1/7). Otherwise no method could show an out-of-context gain at this
 * scale, and the benchmark says so.
 */
final class Verdict {

  static final String TREATMENT = "open-mede-gwa";
  static final String CONTROL = "plain";
  static final List<String> PRIMARY = List.of("novel_ooc", "hm_ic_ooc");
  static final double ALPHA = 0.05;

  /**
   * The gate.
   *
   * @param pass both parts above chance
   * @param chance chance top-1 among the novel labels
   * @param stillsTop1 frozen zero-shot top-1 on novel out-of-context stills (pooled)
   * @param stillsLow its 95 % Wilson lower end
   * @param oracleTop1 the oracle's novel out-of-context top-1 (pooled)
   * @param oracleLow its 95 % Wilson lower end
   */
  record Gate(
      boolean pass,
      double chance,
      double stillsTop1,
      double stillsLow,
      double oracleTop1,
      double oracleLow) {

    String describe() {
      return String.format(
          Locale.ROOT,
          "gate: frozen zero-shot on novel out-of-context stills %.1f %% (95 %% Wilson lower"
              + " %.1f %%), oracle on novel out-of-context clips %.1f %% (lower %.1f %%), chance"
              + " %.1f %%: %s",
          100 * stillsTop1,
          100 * stillsLow,
          100 * oracleTop1,
          100 * oracleLow,
          100 * chance,
          pass
              ? "pass"
              : "fail ("
                  + (stillsLow <= chance
                      ? "the text tower cannot name novel actions out of" + " context"
                      : "")
                  + (stillsLow <= chance && oracleLow <= chance ? "; " : "")
                  + (oracleLow <= chance
                      ? "even without the scene shortcut video training does"
                          + " not reach novel actions out of context"
                      : "")
                  + ")");
    }
  }

  private Verdict() {}

  static Gate gate(GeneralizationBenchmark.Outcome o) {
    double chance = 1.0 / Action.novel().size();
    double st = o.stillsTotal() == 0 ? 0 : o.stillsHit() / (double) o.stillsTotal();
    double sl = wilsonLow(o.stillsHit(), o.stillsTotal());
    double ot = o.oracleOocTotal() == 0 ? 0 : o.oracleOocHit() / (double) o.oracleOocTotal();
    double ol = wilsonLow(o.oracleOocHit(), o.oracleOocTotal());
    return new Gate(sl > chance && ol > chance, chance, st, sl, ot, ol);
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

  /** The primary comparisons, Holm-corrected, in {@link #PRIMARY} order. */
  static List<PairedComparison> primary(List<MethodResult> methods) {
    MethodResult t = find(methods, TREATMENT);
    MethodResult c = find(methods, CONTROL);
    List<PairedComparison> family = new ArrayList<>();
    for (String metric : PRIMARY) {
      family.add(
          PairedComparison.of(
              metric + ": " + TREATMENT + " - " + CONTROL,
              t.values(metric),
              c.values(metric),
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
            "Δ = %+.1f points [%.1f, %.1f] (%.1f %% interval, Holm), p = %.3f, n = %d seeds,"
                + " smallest detectable %.1f points",
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
      return c.name() + ": no difference: " + figures;
    }
    return c.name()
        + (c.meanDifference() > 0 ? ": Open-MeDe + GWA better, " : ": Open-MeDe + GWA worse, ")
        + figures;
  }

  static MethodResult find(List<MethodResult> methods, String name) {
    return methods.stream()
        .filter(m -> m.method().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no method " + name));
  }
}
