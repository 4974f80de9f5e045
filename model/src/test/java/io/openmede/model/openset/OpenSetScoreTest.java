package io.openmede.model.openset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OpenSetScoreTest {

  private static final double[] COS = {0.3, 0.1};
  private static final double SCALE = 10;

  @Test
  void maxSoftmax_isTheProbabilityOverTheVocabulary() {
    // exp(3) / (exp(3) + exp(1)) = 1 / (1 + e^-2)
    double[] s = OpenSetScore.MAX_SOFTMAX.labelScores(COS, new double[0], SCALE);
    assertThat(s[0]).isCloseTo(0.8807970779778823, within(1e-12));
    assertThat(s[1]).isCloseTo(0.11920292202211755, within(1e-12));
  }

  @Test
  void maxSoftmax_doesNotSeeHowWellTheBestLabelFits() {
    double[] poor = OpenSetScore.MAX_SOFTMAX.labelScores(new double[] {0.0, -0.2}, null, SCALE);
    double[] good = OpenSetScore.MAX_SOFTMAX.labelScores(COS, null, SCALE);
    assertThat(poor[0]).isCloseTo(good[0], within(1e-12));
  }

  @Test
  void maxCosine_isTheCosine() {
    assertThat(OpenSetScore.MAX_COSINE.labelScores(COS, new double[0], SCALE))
        .containsExactly(0.3, 0.1);
  }

  @Test
  void energy_ofTheBestLabelIsTheFreeEnergyInCosineUnits() {
    // E = log(e^3 + e^1) / 10 = (3 + log(1 + e^-2)) / 10 = 0.3126928011
    double[] s = OpenSetScore.ENERGY.labelScores(COS, new double[0], SCALE);
    assertThat(s[0]).isCloseTo(0.31269280110429726, within(1e-12));
    assertThat(s[1]).isCloseTo(0.11269280110429726, within(1e-12));
    assertThat(OpenSetScore.windowScore(s)).isEqualTo(s[0]);
  }

  @Test
  void energy_growsWithHowManyLabelsFit() {
    double one = OpenSetScore.ENERGY.labelScores(new double[] {0.3, 0.0}, null, SCALE)[0];
    double two = OpenSetScore.ENERGY.labelScores(new double[] {0.3, 0.3}, null, SCALE)[0];
    assertThat(two - one).isCloseTo((Math.log(2) - Math.log(1 + Math.exp(-3))) / 10, within(1e-12));
  }

  @Test
  void background_takesProbabilityFromEveryLabel() {
    // exp(3) / (exp(3) + exp(1) + exp(3)): the background fits as well as the best label
    double[] s = OpenSetScore.BACKGROUND.labelScores(COS, new double[] {0.3}, SCALE);
    double z = Math.exp(3) + Math.exp(1) + Math.exp(3);
    assertThat(s[0]).isCloseTo(Math.exp(3) / z, within(1e-12));
    assertThat(s[1]).isCloseTo(Math.exp(1) / z, within(1e-12));
  }

  @Test
  void background_withoutBackgroundClasses_isTheSoftmax() {
    assertThat(OpenSetScore.BACKGROUND.labelScores(COS, new double[0], SCALE))
        .containsExactly(OpenSetScore.MAX_SOFTMAX.labelScores(COS, new double[0], SCALE));
  }

  @Test
  void labelScores_largeScale_staysFinite() {
    double[] s = OpenSetScore.ENERGY.labelScores(new double[] {1, 1}, null, 1e4);
    assertThat(s[0]).isCloseTo(1 + Math.log(2) / 1e4, within(1e-12));
  }

  @Test
  void labelScores_emptyVocabulary_isRefused() {
    assertThatThrownBy(() -> OpenSetScore.ENERGY.labelScores(new double[0], null, SCALE))
        .hasMessageContaining("vocabulary is empty");
  }

  @Test
  void parse_readsTheSettingsSpelling() {
    for (OpenSetScore s : OpenSetScore.values()) {
      assertThat(OpenSetScore.parse(s.text())).isEqualTo(s);
    }
    assertThatThrownBy(() -> OpenSetScore.parse("entropy"))
        .hasMessageContaining("max-softmax, max-cosine, energy, background");
  }
}
