package io.openmede.bench.generalization;

import io.openmede.trainer.eval.PairedComparison;
import io.openmede.world.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
 * could show an out-of-context gain at this scale, and the benchmark says so. A comparison or gate
 * whose arms did not run ({@code --arms}) is not computed: it says which arm is missing.
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
   * @param pass every part passes (false when an arm it needs did not run)
   * @param notRun the arms the gate needs that did not run ({@code frozen}, {@code oracle}, {@code
   *     plain}); the gate cannot decide when not empty
   * @param chance chance top-1 among the novel labels
   * @param frozenTop1 frozen zero-shot video top-1 on novel out-of-context clips (pooled)
   * @param frozenLow its 95 % Wilson lower end
   * @param oracleHat oracle − plain on HAT-like top-1, paired, 95 % (empty when one did not run)
   * @param oracleNovel oracle − plain on novel out-of-context top-1, paired, 95 % (likewise)
   */
  record Gate(
      boolean pass,
      List<String> notRun,
      double chance,
      double frozenTop1,
      double frozenLow,
      Optional<PairedComparison> oracleHat,
      Optional<PairedComparison> oracleNovel) {

    Gate {
      notRun = List.copyOf(notRun);
      if (!notRun.isEmpty() && pass) {
        throw new IllegalArgumentException("a gate cannot pass without arms " + notRun);
      }
    }

    /** A gate whose arms all ran. */
    Gate(
        boolean pass,
        double chance,
        double frozenTop1,
        double frozenLow,
        PairedComparison oracleHat,
        PairedComparison oracleNovel) {
      this(
          pass,
          List.of(),
          chance,
          frozenTop1,
          frozenLow,
          Optional.of(oracleHat),
          Optional.of(oracleNovel));
    }

    /** Why the gate cannot decide: "cannot decide: arm(s) X not run". */
    String cannotDecide() {
      return "cannot decide: arm"
          + (notRun.size() > 1 ? "s " : " ")
          + String.join(", ", notRun)
          + " not run";
    }

    String describe() {
      if (!notRun.isEmpty()) {
        return "gate: " + cannotDecide() + " (it needs frozen, oracle and plain)";
      }
      PairedComparison oracleHat = this.oracleHat.orElseThrow();
      PairedComparison oracleNovel = this.oracleNovel.orElseThrow();
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
    List<String> notRun = notRun(o.methods(), "frozen", "oracle", CONTROL);
    if (!notRun.isEmpty()) {
      return new Gate(false, notRun, chance, ft, fl, Optional.empty(), Optional.empty());
    }
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
   * One primary comparison: computed when its arms ran, else the arms that did not.
   *
   * @param name the comparison's name
   * @param comparison the paired comparison, Holm-adjusted (empty when an arm did not run)
   * @param notRun the arms it needs that did not run
   */
  record Primary(String name, Optional<PairedComparison> comparison, List<String> notRun) {

    Primary {
      notRun = List.copyOf(notRun);
      if (comparison.isPresent() != notRun.isEmpty()) {
        throw new IllegalArgumentException(name + ": computed exactly when every arm ran");
      }
    }

    /** "cannot decide: arm(s) X not run". */
    String cannotDecide() {
      return "cannot decide: arm"
          + (notRun.size() > 1 ? "s " : " ")
          + String.join(", ", notRun)
          + " not run";
    }
  }

  /** The arms among {@code needed} that have no row in {@code methods}. */
  static List<String> notRun(List<MethodResult> methods, String... needed) {
    List<String> out = new ArrayList<>();
    for (String n : needed) {
      if (findRun(methods, n).isEmpty()) {
        String arm = ArmSelection.armOf(n);
        if (!out.contains(arm)) {
          out.add(arm);
        }
      }
    }
    return out;
  }

  /**
   * The six primary comparisons, Holm-adjusted together, in order: meta (hat, novel), GWA (hat,
   * novel), chosen Open-MeDe vs plain (hat, novel). One whose arms did not run is not computed and
   * enters Holm's family with p = 1 (never rejected), so that the others are adjusted over the six
   * fixed in advance, as in a full run.
   *
   * @param chosenOpenMeDe the Open-MeDe method chosen on the validation world (empty: none ran)
   */
  static List<Primary> primary(List<MethodResult> methods, Optional<String> chosenOpenMeDe) {
    List<String> names = new ArrayList<>();
    List<List<String>> missing = new ArrayList<>();
    List<PairedComparison> family = new ArrayList<>();
    for (String metric : PRIMARY) {
      names.add(label(metric) + ": meta (open-mede-acting ± GWA) - plain-2nb (± GWA)");
      missing.add(
          notRun(
              methods, "open-mede-acting", "open-mede-acting-gwa", "plain-2nb", "plain-2nb-gwa"));
    }
    for (String metric : PRIMARY) {
      names.add(label(metric) + ": GWA - none (pooled over plain-2nb and open-mede-acting)");
      missing.add(
          notRun(
              methods, "open-mede-acting", "open-mede-acting-gwa", "plain-2nb", "plain-2nb-gwa"));
    }
    for (String metric : PRIMARY) {
      names.add(
          label(metric)
              + ": "
              + chosenOpenMeDe.orElse("the Open-MeDe method chosen")
              + " (chosen on validation) - plain");
      List<String> m = new ArrayList<>();
      if (chosenOpenMeDe.isEmpty()) {
        m.add("open-mede-acting or open-mede-paper");
      } else {
        m.addAll(notRun(methods, chosenOpenMeDe.get()));
      }
      m.addAll(notRun(methods, CONTROL));
      missing.add(m);
    }
    for (int i = 0; i < names.size(); i++) {
      String metric = PRIMARY.get(i % 2);
      String name = names.get(i);
      if (!missing.get(i).isEmpty()) {
        family.add(
            new PairedComparison(
                name,
                0,
                0,
                Double.NaN,
                1 - ALPHA,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                1,
                Double.POSITIVE_INFINITY,
                ALPHA));
        continue;
      }
      family.add(
          switch (i / 2) {
            case 0 ->
                PairedComparison.of(
                    name,
                    mean(
                        find(methods, "open-mede-acting"),
                        find(methods, "open-mede-acting-gwa"),
                        metric),
                    mean(find(methods, "plain-2nb"), find(methods, "plain-2nb-gwa"), metric),
                    1 - ALPHA);
            case 1 ->
                PairedComparison.of(
                    name,
                    mean(
                        find(methods, "open-mede-acting-gwa"),
                        find(methods, "plain-2nb-gwa"),
                        metric),
                    mean(find(methods, "open-mede-acting"), find(methods, "plain-2nb"), metric),
                    1 - ALPHA);
            default ->
                PairedComparison.of(
                    name,
                    find(methods, chosenOpenMeDe.orElseThrow()).values(metric),
                    find(methods, CONTROL).values(metric),
                    1 - ALPHA);
          });
    }
    List<PairedComparison> adjusted = PairedComparison.holm(family, ALPHA);
    List<Primary> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(
          missing.get(i).isEmpty()
              ? new Primary(names.get(i), Optional.of(adjusted.get(i)), List.of())
              : new Primary(names.get(i), Optional.empty(), missing.get(i)));
    }
    return out;
  }

  /** Every method against plain on one metric, uncorrected (secondary, descriptive). */
  static List<PairedComparison> secondary(List<MethodResult> methods, String metric) {
    List<PairedComparison> out = new ArrayList<>();
    if (findRun(methods, CONTROL).isEmpty()) {
      return out;
    }
    MethodResult c = find(methods, CONTROL);
    for (MethodResult m : methods) {
      if (!m.method().equals(CONTROL)) {
        out.add(
            PairedComparison.of(
                m.method() + " - " + CONTROL, m.values(metric), c.values(metric), 1 - ALPHA));
      }
    }
    return out;
  }

  /** The sentence for one primary comparison, or why it cannot be decided. */
  static String sentence(Gate gate, Primary p) {
    if (p.comparison().isEmpty()) {
      return p.name() + ": " + p.cannotDecide();
    }
    return sentence(gate, p.comparison().get());
  }

  /** The sentence for one computed primary comparison. */
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
    if (!gate.notRun().isEmpty()) {
      return c.name() + ": " + gate.cannotDecide() + " (the gate needs them); " + figures;
    }
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
    return findRun(methods, name)
        .orElseThrow(() -> new IllegalArgumentException("no method " + name));
  }

  /** The row of {@code name}, empty when its arm did not run. */
  static Optional<MethodResult> findRun(List<MethodResult> methods, String name) {
    return methods.stream().filter(m -> m.method().equals(name)).findFirst();
  }
}
