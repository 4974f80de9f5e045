package io.openmede.model.openset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnedBackgroundTest {

  @Test
  void cosine_isTheDotProductPlusTheBiasOverTheScale() {
    LearnedBackground b = new LearnedBackground(new float[] {0.5f, -2f}, 3.0);
    // 0.6·0.5 + 0.8·(−2) + 3/10 = 0.3 − 1.6 + 0.3
    assertThat(b.cosine(new float[] {0.6f, 0.8f}, 10)).isCloseTo(-1.0, within(1e-6));
  }

  @Test
  void learnedBackgroundScore_isTheSoftmaxWithTheLearnedClass() {
    // cosines to the vocabulary 0.3 and 0.1; the learned class's value 0.2 + 1/10 = 0.3
    LearnedBackground b = new LearnedBackground(new float[] {0.2f, 0f}, 1.0);
    double bg = b.cosine(new float[] {1f, 0f}, 10);
    double[] s =
        OpenSetScore.LEARNED_BACKGROUND.labelScores(new double[] {0.3, 0.1}, new double[] {bg}, 10);
    double z = Math.exp(3) + Math.exp(1) + Math.exp(3);
    assertThat(s[0]).isCloseTo(Math.exp(3) / z, within(1e-6));
    assertThat(s[1]).isCloseTo(Math.exp(1) / z, within(1e-6));
  }

  @Test
  void cosine_ofAnotherDimension_isRefusedWithTheReason() {
    LearnedBackground b = new LearnedBackground(new float[] {1f, 0f}, 0);
    assertThatThrownBy(() -> b.cosine(new float[] {1f, 0f, 0f}, 10))
        .hasMessageContaining("fitted for another model");
  }

  @Test
  void direction_isCopied() {
    float[] u = {1f, 2f};
    LearnedBackground b = new LearnedBackground(u, 0);
    u[0] = 9f;
    b.direction()[1] = 9f;
    assertThat(b.direction()).containsExactly(1f, 2f);
  }

  /**
   * Two known labels along e0 and e1, negatives along e2 (the "empty scene" direction, which no
   * label's text points at): the vocabulary softmax alone cannot tell them apart, the learned class
   * must.
   */
  @Test
  void fit_sendsNegativesToTheLearnedClassAndKeepsKnownClipsOnTheirLabel() {
    float[][] vocabulary = {{1, 0, 0, 0}, {0, 1, 0, 0}};
    Random r = new Random(7);
    List<float[]> pos = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<float[]> neg = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int l = i % 2;
      float[] v = new float[4];
      v[l] = 0.6f;
      v[2] = 0.5f;
      v[3] = (float) (0.3 * r.nextGaussian());
      pos.add(unit(v));
      labels.add(l);
      float[] n = {(float) (0.4 * r.nextDouble()), (float) (0.4 * r.nextDouble()), 0.9f, 0};
      n[3] = (float) (0.3 * r.nextGaussian());
      neg.add(unit(n));
    }
    int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
    LearnedBackground b =
        LearnedBackground.fit(pos, y, neg, vocabulary, 10, LearnedBackground.FitOptions.DEFAULTS);
    int negOnBackground = 0;
    int posOnLabel = 0;
    for (int i = 0; i < 40; i++) {
      negOnBackground += backgroundWins(neg.get(i), vocabulary, b) ? 1 : 0;
      posOnLabel += backgroundWins(pos.get(i), vocabulary, b) ? 0 : 1;
    }
    assertThat(negOnBackground).isGreaterThanOrEqualTo(38);
    assertThat(posOnLabel).isGreaterThanOrEqualTo(38);
    // deterministic: the same clips fit the same class
    assertThat(
            LearnedBackground.fit(
                pos, y, neg, vocabulary, 10, LearnedBackground.FitOptions.DEFAULTS))
        .isEqualTo(b);
  }

  @Test
  void fit_withoutNegatives_isRefused() {
    assertThatThrownBy(
            () ->
                LearnedBackground.fit(
                    List.of(new float[] {1, 0}),
                    new int[] {0},
                    List.of(),
                    new float[][] {{1, 0}},
                    10,
                    LearnedBackground.FitOptions.DEFAULTS))
        .hasMessageContaining("negative clips (0)");
  }

  @Test
  void calibration_ofTheLearnedKind_needsItsClass_andOtherKindsRefuseOne() {
    assertThatThrownBy(
            () ->
                new OpenSetCalibration(
                    OpenSetScore.LEARNED_BACKGROUND, 0.9, java.util.Map.of(), 0.2, 0.1))
        .hasMessageContaining("without their learned background");
    assertThatThrownBy(
            () ->
                new OpenSetCalibration(
                    OpenSetScore.BACKGROUND,
                    0.9,
                    java.util.Map.of(),
                    0.2,
                    0.1,
                    java.util.Optional.of(new LearnedBackground(new float[] {1}, 0))))
        .hasMessageContaining("carry a learned background");
  }

  private static boolean backgroundWins(float[] v, float[][] vocabulary, LearnedBackground b) {
    double bg = b.cosine(v, 10);
    for (float[] c : vocabulary) {
      double cos = 0;
      for (int d = 0; d < v.length; d++) {
        cos += v[d] * c[d];
      }
      if (cos >= bg) {
        return false;
      }
    }
    return true;
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }
}
