package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RankingTest {

  @Test
  void topK_ranksByCosineWithSoftmaxAtTheLogitScale() {
    float[] clip = {1, 0};
    float[][] classes = {{0, 1}, {1, 0}, {0.6f, 0.8f}};
    List<RankedLabel> top = Ranking.topK(clip, classes, List.of("a", "b", "c"), 10.0, 2);
    assertThat(top).extracting(RankedLabel::label).containsExactly("b", "c");
    // softmax of 10 * (0, 1, 0.6): exact reference
    double ea = Math.exp(0);
    double eb = Math.exp(10);
    double ec = Math.exp(6.000000238418579);
    double sum = ea + eb + ec;
    assertThat(top.get(0).probability()).isCloseTo(eb / sum, within(1e-12));
    assertThat(top.get(1).probability()).isCloseTo(ec / sum, within(1e-9));
    assertThat(top.get(0).cosine()).isEqualTo(1.0);
    assertThat(top.get(1).cosine()).isCloseTo(0.6, within(1e-7));
  }

  @Test
  void topK_largerThanVocabulary_returnsAllLabels() {
    List<RankedLabel> top =
        Ranking.topK(new float[] {1}, new float[][] {{1}, {-1}}, List.of("x", "y"), 100, 5);
    assertThat(top).extracting(RankedLabel::label).containsExactly("x", "y");
    assertThat(top.get(0).probability() + top.get(1).probability()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void score_underThresholds_decidesOverEveryLabelNotOnlyTheTopK() {
    float[] clip = {1, 0};
    float[][] classes = {{0.6f, 0.8f}, {0.8f, 0.6f}};
    // cosines: a 0.6, b 0.8; "a" has a low threshold of its own, "b" the high fallback
    OpenSetCalibration c =
        new OpenSetCalibration(OpenSetScore.MAX_COSINE, 0.9, Map.of("a", 0.5), 0.9, 0.1);
    WindowScore s =
        Ranking.score(clip, classes, List.of("a", "b"), new float[0][], 10, 1, Optional.of(c));
    assertThat(s.top()).extracting(RankedLabel::label).containsExactly("b");
    assertThat(s.unknown()).isFalse(); // "a" passes, though outside the top 1
    assertThat(s.openSet()).contains(OpenSetScore.MAX_COSINE);
    // σ((0.8 − 0.9) / 0.1) = 1 / (1 + e)
    assertThat(s.top().get(0).calibrated().getAsDouble()).isCloseTo(1 / (1 + Math.E), within(1e-6));

    OpenSetCalibration strict =
        new OpenSetCalibration(OpenSetScore.MAX_COSINE, 0.9, Map.of("a", 0.7), 0.9, 0.1);
    assertThat(
            Ranking.score(
                    clip, classes, List.of("a", "b"), new float[0][], 10, 2, Optional.of(strict))
                .unknown())
        .isTrue();
  }

  @Test
  void score_withoutThresholds_decidesNothing() {
    WindowScore s =
        Ranking.score(
            new float[] {1},
            new float[][] {{1}},
            List.of("x"),
            new float[0][],
            10,
            1,
            Optional.empty());
    assertThat(s.unknown()).isFalse();
    assertThat(s.openSet()).isEmpty();
    assertThat(s.top().get(0).calibrated()).isEmpty();
  }

  @Test
  void score_background_aBackgroundThatFitsBestMakesTheWindowUnknown() {
    float[] clip = {1, 0};
    float[][] classes = {{0.8f, 0.6f}};
    OpenSetCalibration c = new OpenSetCalibration(OpenSetScore.BACKGROUND, 0.9, Map.of(), 0.5, 0.1);
    // alone, "a" has all the probability; beside a background at cosine 1 it has
    // e^8 / (e^8 + e^10)
    WindowScore alone =
        Ranking.score(clip, classes, List.of("a"), new float[0][], 10, 1, Optional.of(c));
    WindowScore beside =
        Ranking.score(clip, classes, List.of("a"), new float[][] {{1, 0}}, 10, 1, Optional.of(c));
    assertThat(alone.unknown()).isFalse();
    assertThat(beside.unknown()).isTrue();
    double p = Math.exp(8) / (Math.exp(8) + Math.exp(10));
    assertThat(beside.top().get(0).calibrated().getAsDouble())
        .isCloseTo(1 / (1 + Math.exp(-(p - 0.5) / 0.1)), within(1e-6));
    assertThat(beside.top().get(0).probability()).isEqualTo(1.0); // the closed-set softmax stays
  }

  @Test
  void score_learnedBackground_usesTheCalibrationsClassNotThePrompts() {
    float[] clip = {1, 0};
    float[][] classes = {{0.8f, 0.6f}};
    // the learned class's value: 1·0.5 + 0·(−3) + 5/10 = 1.0, above the label's cosine 0.8
    OpenSetCalibration c =
        new OpenSetCalibration(
            OpenSetScore.LEARNED_BACKGROUND,
            0.9,
            Map.of(),
            0.5,
            0.1,
            Optional.of(
                new io.openmede.model.openset.LearnedBackground(new float[] {0.5f, -3f}, 5)));
    // prompt embeddings are ignored by this kind: a prompt far from the clip changes nothing
    WindowScore s =
        Ranking.score(clip, classes, List.of("a"), new float[][] {{-1, 0}}, 10, 1, Optional.of(c));
    assertThat(s.unknown()).isTrue();
    assertThat(s.openSet()).contains(OpenSetScore.LEARNED_BACKGROUND);
    double p = Math.exp(8) / (Math.exp(8) + Math.exp(10));
    assertThat(s.top().get(0).calibrated().getAsDouble())
        .isCloseTo(1 / (1 + Math.exp(-(p - 0.5) / 0.1)), within(1e-6));
  }
}
