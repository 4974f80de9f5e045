package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.trainer.eval.PairedComparison;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  void verdict_saysCannotDecide_noDifference_orWhoWins() {
    Verdict.Gate fail = new Verdict.Gate(false, 1 / 7.0, 0.13, 0.09, 0.2, 0.16);
    Verdict.Gate pass = new Verdict.Gate(true, 1 / 7.0, 0.4, 0.35, 0.5, 0.45);
    PairedComparison none =
        PairedComparison.of(
            "novel_ooc", new double[] {0.2, 0.3, 0.25}, new double[] {0.25, 0.25, 0.25}, 0.95);
    PairedComparison win =
        PairedComparison.of(
            "novel_ooc", new double[] {0.5, 0.52, 0.51}, new double[] {0.3, 0.3, 0.31}, 0.95);
    assertThat(Verdict.sentence(fail, win)).contains("cannot decide at this scale");
    assertThat(Verdict.sentence(pass, none)).contains("no difference: Δ = +0.0 points");
    assertThat(Verdict.sentence(pass, win)).contains("Open-MeDe + GWA better");
    assertThat(fail.describe()).contains("fail (the text tower cannot name novel actions");
  }
}
