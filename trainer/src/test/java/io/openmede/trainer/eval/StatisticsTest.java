package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Student's t, the paired interval and Holm's correction against values computed by hand. */
class StatisticsTest {

  @Test
  void studentT_quantilesMatchTheTables() {
    // two-sided 95 % points and one 80 % point from any t table
    assertThat(StudentT.quantile(0.975, 1)).isCloseTo(12.7062047, within(1e-6));
    assertThat(StudentT.quantile(0.975, 4)).isCloseTo(2.7764451, within(1e-6));
    assertThat(StudentT.quantile(0.975, 7)).isCloseTo(2.3646243, within(1e-6));
    assertThat(StudentT.quantile(0.975, 30)).isCloseTo(2.0422725, within(1e-6));
    assertThat(StudentT.quantile(0.8, 7)).isCloseTo(0.8960296, within(1e-6));
    assertThat(StudentT.quantile(0.025, 7)).isCloseTo(-2.3646243, within(1e-6));
    assertThat(StudentT.cdf(0, 3)).isEqualTo(0.5);
  }

  @Test
  void studentT_cdfMatchesTheClosedFormForTwoDegrees() {
    // for 2 degrees of freedom F(t) = 1/2 + t / (2 sqrt(2 + t²))
    for (double t : new double[] {-5, -1.3, 0.2, 0.7, 3, 40}) {
      assertThat(StudentT.cdf(t, 2)).isCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), within(1e-12));
    }
  }

  @Test
  void pairedComparison_isTheHandComputedInterval() {
    // differences 1..5: mean 3, sd sqrt(2.5), se sqrt(0.5); t(0.975, 4) = 2.7764451
    double[] a = {11, 12, 13, 14, 15};
    double[] b = {10, 10, 10, 10, 10};
    PairedComparison c = PairedComparison.of("x", a, b, 0.95);
    double se = Math.sqrt(0.5);
    assertThat(c.n()).isEqualTo(5);
    assertThat(c.meanDifference()).isCloseTo(3, within(1e-12));
    assertThat(c.sd()).isCloseTo(Math.sqrt(2.5), within(1e-12));
    assertThat(c.ciLow()).isCloseTo(3 - 2.7764451 * se, within(1e-6));
    assertThat(c.ciHigh()).isCloseTo(3 + 2.7764451 * se, within(1e-6));
    // t = 4.2426, df 4: closed form F(t) = 1/2 + 3/8 · u (1 - u²/12 · ...) gives p = 0.0132356
    assertThat(c.p()).isCloseTo(0.0132356, within(1e-6));
    // (t(0.975, 4) + t(0.8, 4)) · se, t(0.8, 4) = 0.9409646
    assertThat(c.smallestDetectable()).isCloseTo((2.7764451 + 0.9409646) * se, within(1e-6));
    assertThat(c.decided()).isTrue();
  }

  @Test
  void pairedComparison_ofNoDifferenceIsUndecided() {
    PairedComparison c =
        PairedComparison.of("x", new double[] {1, 2, 3, 4}, new double[] {2, 1, 4, 3}, 0.95);
    assertThat(c.meanDifference()).isZero();
    assertThat(c.decided()).isFalse();
    assertThat(c.p()).isCloseTo(1, within(1e-12));
    PairedComparison one = PairedComparison.of("y", new double[] {1}, new double[] {0}, 0.95);
    assertThat(one.ciLow()).isNegative().isInfinite();
    assertThat(one.decided()).isFalse();
    assertThatThrownBy(() -> PairedComparison.of("z", new double[] {1}, new double[] {}, 0.95))
        .hasMessageContaining("equal");
  }

  @Test
  void holm_adjustsStepDownAndWidensTheIntervals() {
    // p = 0.01, 0.04, 0.03 of m = 3: sorted 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1)
    List<PairedComparison> family =
        List.of(
            new PairedComparison("a", 8, 1, 1, 0.95, 0, 0, 0.01, 0, 0.05),
            new PairedComparison("b", 8, 1, 1, 0.95, 0, 0, 0.04, 0, 0.05),
            new PairedComparison("c", 8, 1, 1, 0.95, 0, 0, 0.03, 0, 0.05));
    List<PairedComparison> h = PairedComparison.holm(family, 0.05);
    assertThat(h).extracting(PairedComparison::name).containsExactly("a", "b", "c");
    assertThat(h.get(0).p()).isCloseTo(0.03, within(1e-12));
    assertThat(h.get(1).p()).isCloseTo(0.06, within(1e-12));
    assertThat(h.get(2).p()).isCloseTo(0.06, within(1e-12));
    // the smallest p gets level 1 - 0.05/3, the next 1 - 0.05/2, the last 0.95
    assertThat(h.get(0).level()).isCloseTo(1 - 0.05 / 3, within(1e-12));
    assertThat(h.get(2).level()).isCloseTo(0.975, within(1e-12));
    assertThat(h.get(1).level()).isCloseTo(0.95, within(1e-12));
    double se = 1 / Math.sqrt(8);
    assertThat(h.get(1).ciHigh()).isCloseTo(1 + 2.3646243 * se, within(1e-6));
    assertThat(h.get(0).ciHigh() - h.get(0).ciLow())
        .isGreaterThan(h.get(1).ciHigh() - h.get(1).ciLow());
  }

  private static PairedComparison raw(String name, double p) {
    return new PairedComparison(name, 8, 1, 1, 0.95, 0.5, 1.5, p, 0, 0.05);
  }

  @Test
  void holm_rawPointZeroThreeAndPointZeroFour_decidesNeither_bothAdjustToPointZeroSix() {
    // sorted: 0.03·2 = 0.06 > 0.05 stops the procedure; 0.04 adjusts to max(0.06, 0.04·1)
    List<PairedComparison> h = PairedComparison.holm(List.of(raw("a", 0.03), raw("b", 0.04)), 0.05);
    assertThat(h.get(0).p()).isCloseTo(0.06, within(1e-12));
    assertThat(h.get(1).p()).isCloseTo(0.06, within(1e-12));
    assertThat(h).noneMatch(PairedComparison::decided);
    // the second one's interval at its own rank (95 %) excludes 0; the stop still holds
    assertThat(h.get(1).ciLow()).isPositive();
  }

  @Test
  void holm_rawPointZeroOneAndPointZeroFour_decidesBoth_adjustedToPointZeroTwoAndPointZeroFour() {
    List<PairedComparison> h = PairedComparison.holm(List.of(raw("a", 0.01), raw("b", 0.04)), 0.05);
    assertThat(h.get(0).p()).isCloseTo(0.02, within(1e-12));
    assertThat(h.get(1).p()).isCloseTo(0.04, within(1e-12));
    assertThat(h).allMatch(PairedComparison::decided);
  }

  @Test
  void decided_isAdjustedPAtMostAlpha_andASinglePairNeverDecides() {
    assertThat(new PairedComparison("x", 8, 1, 1, 0.95, -1, 2, 0.05, 0, 0.05).decided()).isTrue();
    assertThat(new PairedComparison("x", 8, 1, 1, 0.95, 1, 2, 0.0501, 0, 0.05).decided()).isFalse();
    assertThat(new PairedComparison("x", 1, 1, 1, 0.95, 1, 2, 0, 0, 0.05).decided()).isFalse();
    assertThatThrownBy(() -> new PairedComparison("x", 8, 1, 1, 0.95, 1, 2, 0, 0, 0))
        .hasMessageContaining("alpha must be in (0, 1), got 0.0");
  }

  @Test
  void meanStd_usesTheSampleDeviation() {
    MeanStd m = MeanStd.of(70, 72, 77);
    assertThat(m.mean()).isCloseTo(73, within(1e-12));
    assertThat(m.std()).isCloseTo(Math.sqrt((9 + 1 + 16) / 2.0), within(1e-12));
    assertThat(MeanStd.of(5).std()).isZero();
  }
}
