package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.trainer.eval.PairedComparison;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchmarkMetricsTest {

  private static Scores scores(double bic, double nic, double booc, double nooc) {
    Map<String, Double> v = new LinkedHashMap<>();
    for (String n : Scores.NAMES) {
      v.put(n, 0.0);
    }
    v.put("base_ic", bic);
    v.put("novel_ic", nic);
    v.put("base_ooc", booc);
    v.put("novel_ooc", nooc);
    v.remove("hm_b2n");
    v.remove("hm_ic_ooc");
    return Scores.of(v);
  }

  @Test
  void scores_deriveBothHarmonicMeans() {
    Scores s = scores(0.8, 0.4, 0.3, 0.1);
    assertThat(s.get("hm_b2n")).isCloseTo(2 * 0.8 * 0.4 / 1.2, within(1e-12));
    // in context (0.8 + 0.4) / 2 = 0.6, out of context (0.3 + 0.1) / 2 = 0.2: HM 0.3
    assertThat(s.get("hm_ic_ooc")).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void methodResult_meanAndSampleStd_overSeeds() {
    MethodResult r = new MethodResult("x", List.of(scores(0.2, 0.6, 0, 0), scores(0.4, 0.2, 0, 0)));
    assertThat(r.mean("base_ic")).isCloseTo(0.3, within(1e-12));
    assertThat(r.std("base_ic")).isCloseTo(Math.sqrt(0.02), within(1e-12));
    assertThat(r.values("novel_ic")).containsExactly(0.6, 0.2);
  }

  @Test
  void wilsonLowerEnd_matchesTheHandComputation() {
    // 20 of 100: the 95 % Wilson interval is [0.1334, 0.2894]
    assertThat(Verdict.wilsonLow(20, 100)).isCloseTo(0.133368, within(1e-5));
    assertThat(Verdict.wilsonLow(0, 10)).isZero();
    assertThat(Verdict.wilsonLow(0, 0)).isZero();
  }

  @Test
  void verdict_saysCannotDecide_noDifference_orWhichIsBetter() {
    PairedComparison above =
        PairedComparison.of(
            "o", new double[] {0.5, 0.52, 0.51}, new double[] {0.3, 0.3, 0.31}, 0.95);
    PairedComparison flat =
        PairedComparison.of(
            "o", new double[] {0.2, 0.3, 0.25}, new double[] {0.25, 0.25, 0.25}, 0.95);
    Verdict.Gate fail = new Verdict.Gate(false, 1 / 7.0, 0.13, 0.09, above, flat);
    Verdict.Gate pass = new Verdict.Gate(true, 1 / 7.0, 0.4, 0.35, above, above);
    PairedComparison none =
        PairedComparison.of(
            "hat: a - b", new double[] {0.2, 0.3, 0.25}, new double[] {0.25, 0.25, 0.25}, 0.95);
    PairedComparison win =
        PairedComparison.of(
            "hat: a - b", new double[] {0.5, 0.52, 0.51}, new double[] {0.3, 0.3, 0.31}, 0.95);
    assertThat(Verdict.sentence(fail, win)).contains("cannot decide at this scale");
    assertThat(Verdict.sentence(pass, none)).contains("no difference shown: Δ = +0.0 points");
    assertThat(Verdict.sentence(pass, win)).contains("the first is better");
    assertThat(fail.describe())
        .contains("fail (the frozen model cannot name novel actions")
        .contains("the oracle does not beat plain on novel out-of-context top-1")
        .doesNotContain("does not beat plain on HAT-like");
  }

  private static MethodResult method(String name, double... hat) {
    List<Scores> seeds = new java.util.ArrayList<>();
    for (double h : hat) {
      Map<String, Double> v = new java.util.LinkedHashMap<>();
      for (String n : Scores.NAMES) {
        v.put(n, 0.5);
      }
      v.put("foreign_home_top1", h);
      v.put("novel_ooc", h / 2);
      seeds.add(new Scores(v));
    }
    return new MethodResult(name, seeds);
  }

  @Test
  void primary_poolsTheFactorial_andComparesTheChosenArmWithPlain() {
    // per seed: acting ± GWA = (0.30, 0.34), plain-2nb ± GWA = (0.20, 0.24): meta effect +0.10
    // on HAT-like, GWA effect +0.04 (pooled over the two update rules)
    List<MethodResult> m =
        List.of(
            method("plain", 0.20, 0.22, 0.21),
            method("plain-2nb", 0.20, 0.21, 0.19),
            method("plain-2nb-gwa", 0.24, 0.25, 0.23),
            method("open-mede-acting", 0.30, 0.32, 0.31),
            method("open-mede-acting-gwa", 0.34, 0.36, 0.35),
            method("open-mede-paper", 0.20, 0.22, 0.21));
    List<PairedComparison> p =
        Verdict.primary(m, Optional.of("open-mede-acting-gwa")).stream()
            .map(c -> c.comparison().orElseThrow())
            .toList();
    assertThat(p).hasSize(6);
    assertThat(p.get(0).name()).startsWith("hat: meta");
    assertThat(p.get(0).meanDifference()).isCloseTo(0.11, within(1e-9));
    assertThat(p.get(1).name()).startsWith("scuba_novel: meta");
    assertThat(p.get(1).meanDifference()).isCloseTo(0.055, within(1e-9));
    assertThat(p.get(2).name()).startsWith("hat: GWA - none");
    assertThat(p.get(2).meanDifference()).isCloseTo(0.04, within(1e-9));
    assertThat(p.get(4).name()).contains("open-mede-acting-gwa (chosen on validation) - plain");
    assertThat(p.get(4).meanDifference()).isCloseTo(0.14, within(1e-9));
    // decided at the familywise level, by Holm-adjusted p over the six
    for (PairedComparison c : p) {
      assertThat(c.alpha()).isEqualTo(0.05);
    }
  }
}
