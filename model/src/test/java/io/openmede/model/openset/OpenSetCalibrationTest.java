package io.openmede.model.openset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenSetCalibrationTest {

  @Test
  void recallThreshold_keepsAtLeastTheTargetShare() {
    double[] v = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    assertThat(OpenSetCalibration.recallThreshold(v, 0.9)).isEqualTo(0.2);
    assertThat(OpenSetCalibration.recallThreshold(v, 0.95)).isEqualTo(0.1);
    assertThat(OpenSetCalibration.recallThreshold(v, 0.5)).isEqualTo(0.6);
    assertThat(OpenSetCalibration.recallThreshold(v, 1.0)).isEqualTo(0.1);
  }

  @Test
  void fit_onSyntheticScores_reachesTheTargetRecallOnFreshClips() {
    Random r = new Random(7);
    Map<String, double[]> fitOn = new LinkedHashMap<>();
    Map<String, double[]> fresh = new LinkedHashMap<>();
    double[] means = {0.20, 0.26, 0.31};
    for (int l = 0; l < means.length; l++) {
      fitOn.put("label-" + l, normal(r, means[l], 0.03, 2000));
      fresh.put("label-" + l, normal(r, means[l], 0.03, 2000));
    }
    double[] negatives = normal(r, 0.12, 0.03, 2000);
    OpenSetCalibration c =
        OpenSetCalibration.fit(OpenSetScore.MAX_COSINE, 0.9, fitOn, negatives, 5);

    for (Map.Entry<String, double[]> e : fresh.entrySet()) {
      long kept = 0;
      for (double v : e.getValue()) {
        kept += c.recognized(e.getKey(), v) ? 1 : 0;
      }
      // 2000 fresh clips: the recall's standard error is under 0.007
      assertThat(kept / 2000.0).as(e.getKey()).isCloseTo(0.9, within(0.025));
    }
    // on the clips it was fitted on the recall is at least the target, exactly
    for (Map.Entry<String, double[]> e : fitOn.entrySet()) {
      long kept = 0;
      for (double v : e.getValue()) {
        kept += c.recognized(e.getKey(), v) ? 1 : 0;
      }
      assertThat(kept / 2000.0).isGreaterThanOrEqualTo(0.9);
    }
    // each label's own threshold follows its own scores
    assertThat(c.threshold("label-0")).isLessThan(c.threshold("label-1"));
    assertThat(c.threshold("label-1")).isLessThan(c.threshold("label-2"));
  }

  @Test
  void fitWindow_onSyntheticWindowScores_reachesTheTargetRecallOnFreshClips_forEveryLabel() {
    Random r = new Random(9);
    OpenSetCalibration c =
        OpenSetCalibration.fitWindow(
            OpenSetScore.MAX_SOFTMAX,
            0.9,
            normal(r, 0.6, 0.1, 2000),
            normal(r, 0.3, 0.1, 2000),
            Optional.empty());
    assertThat(c.thresholds()).isEmpty();
    assertThat(c.usesFallback("added at runtime")).isTrue();
    long kept = 0;
    for (double v : normal(r, 0.6, 0.1, 2000)) {
      kept += c.unknown(List.of("a", "b"), new double[] {v, v / 2}) ? 0 : 1;
    }
    assertThat(kept / 2000.0).isCloseTo(0.9, within(0.025));
    assertThat(c.calibrated("anything", c.fallback())).isEqualTo(OpenSetCalibration.RECOGNIZED);
    assertThatThrownBy(
            () ->
                OpenSetCalibration.fitWindow(
                    OpenSetScore.MAX_SOFTMAX, 0.9, new double[0], new double[0], Optional.empty()))
        .hasMessageContaining("no held-out clip of a known label");
  }

  @Test
  void labelWithoutHeldOutClips_usesTheGlobalFallback() {
    Map<String, double[]> positives = new LinkedHashMap<>();
    positives.put("a", new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
    positives.put("b", new double[] {0.6, 0.7, 0.8, 0.9, 1.0});
    positives.put("rare", new double[] {0.05}); // too few for its own threshold
    OpenSetCalibration c =
        OpenSetCalibration.fit(OpenSetScore.MAX_COSINE, 0.9, positives, new double[0], 5);
    // pooled: 11 values, drop floor(0.1 * 11) = 1: the second smallest, 0.1
    assertThat(c.fallback()).isEqualTo(0.1);
    assertThat(c.usesFallback("added at runtime")).isTrue();
    assertThat(c.usesFallback("rare")).isTrue();
    assertThat(c.threshold("added at runtime")).isEqualTo(0.1);
    assertThat(c.usesFallback("a")).isFalse();
    assertThat(c.threshold("a")).isEqualTo(0.1);
    assertThat(c.threshold("b")).isEqualTo(0.6);
  }

  @Test
  void calibrated_isOneHalfAtTheThreshold_andNinetyPercentAtTheMedianClip() {
    Map<String, double[]> positives = Map.of("a", new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
    OpenSetCalibration c =
        OpenSetCalibration.fit(OpenSetScore.MAX_COSINE, 0.8, positives, new double[0], 5);
    assertThat(c.threshold("a")).isEqualTo(0.2);
    assertThat(c.calibrated("a", 0.2)).isEqualTo(0.5);
    assertThat(c.calibrated("a", 0.3)).isCloseTo(0.9, within(1e-12)); // the median
    assertThat(c.calibrated("a", 0.1)).isCloseTo(0.1, within(1e-12));
    assertThat(c.recognized("a", 0.2)).isTrue();
    assertThat(c.recognized("a", 0.19)).isFalse();
  }

  @Test
  void fit_withNegatives_scalesSoTheMedianNegativeScoresLow() {
    Map<String, double[]> positives = Map.of("a", new double[] {0.30, 0.31, 0.32, 0.33, 0.34});
    double[] negatives = {0.0, 0.05, 0.1};
    OpenSetCalibration c =
        OpenSetCalibration.fit(OpenSetScore.MAX_COSINE, 1.0, positives, negatives, 5);
    assertThat(c.calibrated("a", 0.05)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void unknown_whenNoLabelReachesItsThreshold() {
    OpenSetCalibration c =
        new OpenSetCalibration(OpenSetScore.ENERGY, 0.9, Map.of("a", 0.3, "b", 0.2), 0.25, 0.01);
    assertThat(c.unknown(List.of("a", "b"), new double[] {0.29, 0.19})).isTrue();
    assertThat(c.unknown(List.of("a", "b"), new double[] {0.29, 0.2})).isFalse();
    assertThat(c.unknown(List.of("a", "new"), new double[] {0.1, 0.26})).isFalse();
  }

  @Test
  void badValues_areRefusedWithTheValue() {
    assertThatThrownBy(() -> new OpenSetCalibration(OpenSetScore.ENERGY, 1.5, Map.of(), 0.2, 0.01))
        .hasMessageContaining("target recall 1.5");
    assertThatThrownBy(() -> new OpenSetCalibration(OpenSetScore.ENERGY, 0.9, Map.of(), 0.2, 0))
        .hasMessageContaining("width 0");
    assertThatThrownBy(
            () ->
                new OpenSetCalibration(
                    OpenSetScore.ENERGY, 0.9, Map.of("a", Double.NaN), 0.2, 0.01))
        .hasMessageContaining("'a'");
    assertThatThrownBy(
            () -> OpenSetCalibration.fit(OpenSetScore.ENERGY, 0.9, Map.of(), new double[0], 5))
        .hasMessageContaining("no held-out clip");
  }

  private static double[] normal(Random r, double mean, double sd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + sd * r.nextGaussian();
    }
    return v;
  }
}
