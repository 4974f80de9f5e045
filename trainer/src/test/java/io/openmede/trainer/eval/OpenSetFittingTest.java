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
  void fit_learnedBackground_crossFitted_keepsTheTargetRecallOfNewClips_fromFewHeldOutClips() {
    // 32 dimensions, 12 known and 12 negative held-out clips: the class fitted on them separates
    // them better than it separates new clips, so thresholds on its scores of those same clips sit
    // above new known clips;
    // scored by classes fitted without each clip's fold, the thresholds keep the target
    int dim = 32;
    float[][] axes = new float[2][dim];
    axes[0][0] = 1;
    axes[1][1] = 1;
    ClassEmbeddings vocabulary = new ClassEmbeddings(List.of("waving", "jumping"), axes);
    Random r = new Random(11);
    List<ViewEmbedding> held = new ArrayList<>();
    List<ViewEmbedding> empty = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      held.add(new ViewEmbedding("k" + i, i % 2 == 0 ? "waving" : "jumping", noisy(r, i % 2, dim)));
      // an empty scene: like a label, off it along the third axis
      float[] e = noisy(r, i % 2, dim);
      e[2] += 0.5f;
      empty.add(new ViewEmbedding("e" + i, "", unit(e)));
    }
    List<float[]> fresh = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      fresh.add(noisy(r, i % 2, dim));
    }
    double inSample = kept(fit(held, empty, vocabulary, 1), fresh, vocabulary);
    double crossFitted = kept(fit(held, empty, vocabulary, 5), fresh, vocabulary);
    String both = "kept in-sample " + inSample + ", cross-fitted " + crossFitted;
    assertThat(inSample).as(both).isLessThan(0.7);
    assertThat(crossFitted).as(both).isGreaterThan(inSample + 0.2).isGreaterThanOrEqualTo(0.8);
  }

  private static OpenSetCalibration fit(
      List<ViewEmbedding> held, List<ViewEmbedding> empty, ClassEmbeddings vocabulary, int folds) {
    return OpenSetFitting.fit(
            held,
            empty,
            vocabulary,
            new float[0][],
            20,
            new OpenSetFitting.Options(0.9, 5, List.of(), ThresholdScope.WINDOW, folds))
        .get(OpenSetScore.LEARNED_BACKGROUND.ordinal());
  }

  private static double kept(
      OpenSetCalibration c, List<float[]> clips, ClassEmbeddings vocabulary) {
    long n =
        clips.stream()
            .filter(
                v ->
                    !c.unknown(
                        vocabulary.labels(),
                        OpenSetFitting.rawScores(
                            c.score(), c.learnedBackground(), v, vocabulary, new float[0][], 20)))
            .count();
    return n / (double) clips.size();
  }

  /** A unit vector on {@code axis} (weight 1) with noise of sd 0.3 on every axis. */
  private static float[] noisy(Random r, int axis, int dim) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) (0.3 * r.nextGaussian());
    }
    v[axis] += 1;
    return unit(v);
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
