package io.openmede.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.openset.ThresholdScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenSetFittingTest {

  static final ClassEmbeddings VOCABULARY =
      new ClassEmbeddings(List.of("waving", "jumping"), new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}});
  static final float[][] BACKGROUND = {{0, 0, 1, 0}};
  static final OpenSetFitting.Options OPTIONS =
      new OpenSetFitting.Options(0.9, 5, List.of("background"));

  /** A unit vector near {@code axis} (weight {@code w}) with noise on the other axes. */
  static float[] near(Random r, int axis, double w) {
    float[] v = new float[4];
    for (int d = 0; d < 4; d++) {
      v[d] = (float) (0.3 * r.nextGaussian());
    }
    v[axis] += (float) w;
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    for (int d = 0; d < 4; d++) {
      v[d] /= (float) Math.sqrt(n);
    }
    return v;
  }

  @Test
  void fit_everyKind_keepsTheTargetRecallOfEachLabel_andUnknownLabelsAreNegatives() {
    Random r = new Random(3);
    List<ViewEmbedding> views = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      views.add(new ViewEmbedding("w" + i, "waving", near(r, 0, 1)));
      views.add(new ViewEmbedding("j" + i, "jumping", near(r, 1, 1)));
      // an action the vocabulary does not have: a negative
      views.add(new ViewEmbedding("n" + i, "spinning", near(r, 3, 1)));
    }
    List<ViewEmbedding> empty = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      empty.add(new ViewEmbedding("e" + i, "waving", near(r, 2, 1)));
    }
    List<OpenSetCalibration> fitted =
        OpenSetFitting.fit(views, empty, VOCABULARY, BACKGROUND, 20, OPTIONS);
    assertThat(fitted).extracting(OpenSetCalibration::score).containsExactly(OpenSetScore.values());
    for (OpenSetCalibration c : fitted) {
      for (String label : VOCABULARY.labels()) {
        assertThat(c.usesFallback(label)).isFalse();
        long kept =
            views.stream()
                .filter(v -> v.label().equals(label))
                .filter(
                    v ->
                        c.recognized(
                            label,
                            OpenSetFitting.rawScores(
                                c.score(),
                                c.learnedBackground(),
                                v.embedding(),
                                VOCABULARY,
                                BACKGROUND,
                                20)[VOCABULARY.labels().indexOf(label)]))
                .count();
        assertThat(kept / 200.0).as(c.score() + " " + label).isGreaterThanOrEqualTo(0.9);
      }
      // the negatives here are far from every label: few of them pass
      List<ViewEmbedding> negatives = new ArrayList<>(empty);
      views.stream().filter(v -> v.label().equals("spinning")).forEach(negatives::add);
      double fpr = OpenSetFitting.falseAlarmRate(c, negatives, VOCABULARY, BACKGROUND, 20);
      assertThat(fpr).as(c.score().text()).isLessThan(0.5);
    }
  }

  @Test
  void fit_learnedBackground_separatesNegativesThatLookLikeALabel() {
    // empty scenes that look like "waving" to the text side (cosine 0.8 to it), but lie off the
    // known clips in the embedding's third axis: only a class learned from them tells them apart
    Random r = new Random(5);
    List<ViewEmbedding> views = new ArrayList<>();
    List<ViewEmbedding> empty = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      views.add(new ViewEmbedding("w" + i, "waving", near(r, 0, 3)));
      views.add(new ViewEmbedding("j" + i, "jumping", near(r, 1, 3)));
      float[] e = near(r, 0, 3);
      e[2] += 0.6f;
      empty.add(new ViewEmbedding("e" + i, "waving", unit(e)));
    }
    List<OpenSetCalibration> fitted =
        OpenSetFitting.fit(views, empty, VOCABULARY, BACKGROUND, 20, OPTIONS);
    OpenSetCalibration softmax = fitted.get(OpenSetScore.MAX_SOFTMAX.ordinal());
    OpenSetCalibration learned = fitted.get(OpenSetScore.LEARNED_BACKGROUND.ordinal());
    assertThat(learned.learnedBackground()).isPresent();
    double softmaxRate = OpenSetFitting.falseAlarmRate(softmax, empty, VOCABULARY, BACKGROUND, 20);
    double learnedRate = OpenSetFitting.falseAlarmRate(learned, empty, VOCABULARY, BACKGROUND, 20);
    assertThat(softmaxRate).isGreaterThan(0.3);
    assertThat(learnedRate).isLessThan(0.1);
  }

  @Test
  void fit_windowScope_keepsTheTargetRecallOfKnownClipsTheModelConfuses() {
    // half of the "waving" clips look like "jumping" to the model: their score for their own label
    // is low, so per-label thresholds sink towards the empty scenes; one threshold on the window
    // score (the best label's) keeps 90 % of the known clips without that
    Random r = new Random(8);
    List<ViewEmbedding> views = new ArrayList<>();
    List<ViewEmbedding> empty = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      views.add(new ViewEmbedding("w" + i, "waving", near(r, i % 2 == 0 ? 0 : 1, 1)));
      views.add(new ViewEmbedding("j" + i, "jumping", near(r, 1, 1)));
      empty.add(new ViewEmbedding("e" + i, "waving", near(r, 2, 1)));
    }
    OpenSetFitting.Options window =
        new OpenSetFitting.Options(0.9, 5, List.of("background"), ThresholdScope.WINDOW);
    OpenSetCalibration perLabel =
        OpenSetFitting.fit(views, empty, VOCABULARY, BACKGROUND, 20, OPTIONS)
            .get(OpenSetScore.MAX_COSINE.ordinal());
    OpenSetCalibration one =
        OpenSetFitting.fit(views, empty, VOCABULARY, BACKGROUND, 20, window)
            .get(OpenSetScore.MAX_COSINE.ordinal());

    assertThat(one.thresholds()).isEmpty();
    assertThat(one.usesFallback("waving")).isTrue();
    long kept =
        views.stream()
            .filter(
                v ->
                    !one.unknown(
                        VOCABULARY.labels(),
                        OpenSetFitting.rawScores(
                            one.score(),
                            one.learnedBackground(),
                            v.embedding(),
                            VOCABULARY,
                            BACKGROUND,
                            20)))
            .count();
    assertThat(kept / 400.0).isGreaterThanOrEqualTo(0.9);
    assertThat(one.fallback()).isGreaterThan(perLabel.threshold("waving"));
    double perLabelRate =
        OpenSetFitting.falseAlarmRate(perLabel, empty, VOCABULARY, BACKGROUND, 20);
    double windowRate = OpenSetFitting.falseAlarmRate(one, empty, VOCABULARY, BACKGROUND, 20);
    assertThat(windowRate).isLessThan(perLabelRate);
  }

  @Test
  void fit_withoutNegatives_fitsNoLearnedBackground() {
    Random r = new Random(6);
    List<ViewEmbedding> views = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      views.add(new ViewEmbedding("w" + i, "waving", near(r, 0, 1)));
    }
    assertThat(OpenSetFitting.fit(views, List.of(), VOCABULARY, BACKGROUND, 20, OPTIONS))
        .extracting(OpenSetCalibration::score)
        .doesNotContain(OpenSetScore.LEARNED_BACKGROUND)
        .contains(OpenSetScore.MAX_SOFTMAX);
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int d = 0; d < v.length; d++) {
      out[d] = (float) (v[d] / Math.sqrt(n));
    }
    return out;
  }

  @Test
  void fit_withoutAClipOfAVocabularyLabel_fitsNothing() {
    Random r = new Random(4);
    List<ViewEmbedding> views = List.of(new ViewEmbedding("n", "spinning", near(r, 3, 1)));
    assertThat(OpenSetFitting.fit(views, List.of(), VOCABULARY, BACKGROUND, 20, OPTIONS)).isEmpty();
  }
}
