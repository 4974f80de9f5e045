package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
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
}
