package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.openset.LearnedBackground;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.openset.ThresholdScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fits a checkpoint's open-set thresholds ({@link OpenSetCalibration}) for every {@link
 * OpenSetScore} kind on the trainer's held-out clips, scored as the recognizer scores a window:
 * each clip on its own (no averaging of views) against the training vocabulary. Held-out clips of a
 * vocabulary label are that label's positives; held-out clips of any other label (unknown actions,
 * such as the world's novel ones) and clips of the negative split (empty scenes, confirmed false
 * alarms: nothing of the vocabulary happens) are negatives. The learned-background kind first fits
 * its class on the same positives and negatives ({@link LearnedBackground#fit}), then its
 * thresholds on scores computed with it. The thresholds are per label ({@link
 * ThresholdScope#PER_LABEL}) or one on window scores ({@link ThresholdScope#WINDOW}), as the
 * options say. Pure and stateless.
 */
public final class OpenSetFitting {

  /**
   * How the thresholds are fitted.
   *
   * @param targetRecall share of each label's held-out clips the thresholds keep
   * @param minClipsPerLabel clips a label needs for a threshold of its own
   * @param background background class names of the background score
   * @param learnedBackground how the learned-background class is fitted
   * @param scope one threshold per label on its clips' own score, or one for all on window scores
   */
  public record Options(
      double targetRecall,
      int minClipsPerLabel,
      List<String> background,
      LearnedBackground.FitOptions learnedBackground,
      ThresholdScope scope) {

    /** Options with the learned background's default fitting and per-label thresholds. */
    public Options(double targetRecall, int minClipsPerLabel, List<String> background) {
      this(targetRecall, minClipsPerLabel, background, ThresholdScope.PER_LABEL);
    }

    /** Options with the learned background's default fitting. */
    public Options(
        double targetRecall, int minClipsPerLabel, List<String> background, ThresholdScope scope) {
      this(
          targetRecall, minClipsPerLabel, background, LearnedBackground.FitOptions.DEFAULTS, scope);
    }

    public Options {
      if (!(targetRecall > 0 && targetRecall <= 1)) {
        throw new IllegalArgumentException("target recall " + targetRecall + " is not in (0, 1]");
      }
      if (minClipsPerLabel < 1) {
        throw new IllegalArgumentException("min clips per label " + minClipsPerLabel + " < 1");
      }
      background = List.copyOf(background);
      java.util.Objects.requireNonNull(learnedBackground, "learnedBackground");
      java.util.Objects.requireNonNull(scope, "scope");
    }
  }

  private OpenSetFitting() {}

  /**
   * Fits the thresholds of every kind.
   *
   * @param views held-out clips, each embedded on its own
   * @param negatives clips where nothing of the vocabulary happens, embedded
   * @param vocabulary class embeddings of the training vocabulary
   * @param background class embeddings of the background classes (may be empty: then the background
   *     kind is fitted as the softmax)
   * @param logitScale the model's logit scale
   * @return one calibration per kind, in {@link OpenSetScore} order (the learned-background kind
   *     only when there is a negative to learn from); empty when no held-out clip shows a
   *     vocabulary label
   */
  public static List<OpenSetCalibration> fit(
      List<ViewEmbedding> views,
      List<ViewEmbedding> negatives,
      ClassEmbeddings vocabulary,
      float[][] background,
      double logitScale,
      Options options) {
    List<String> labels = vocabulary.labels();
    List<ViewEmbedding> all = new ArrayList<>(views);
    all.addAll(negatives);
    int[] own = new int[all.size()];
    List<float[]> posVectors = new ArrayList<>();
    List<Integer> posLabels = new ArrayList<>();
    List<float[]> negVectors = new ArrayList<>();
    for (int v = 0; v < all.size(); v++) {
      own[v] = v < views.size() ? labels.indexOf(all.get(v).label()) : -1;
      if (own[v] >= 0) {
        posVectors.add(all.get(v).embedding());
        posLabels.add(own[v]);
      } else {
        negVectors.add(all.get(v).embedding());
      }
    }
    List<OpenSetCalibration> out = new ArrayList<>();
    if (posVectors.isEmpty()) {
      return out;
    }
    for (OpenSetScore kind : OpenSetScore.values()) {
      Optional<LearnedBackground> learned = Optional.empty();
      if (kind == OpenSetScore.LEARNED_BACKGROUND) {
        if (negVectors.isEmpty()) {
          continue; // nothing to learn "nothing" from: no thresholds of this kind
        }
        learned =
            Optional.of(
                LearnedBackground.fit(
                    posVectors,
                    posLabels.stream().mapToInt(Integer::intValue).toArray(),
                    negVectors,
                    vocabulary.vectors(),
                    logitScale,
                    options.learnedBackground()));
      }
      Map<String, List<Double>> pos = new LinkedHashMap<>();
      List<Double> window = new ArrayList<>();
      List<Double> neg = new ArrayList<>();
      for (int v = 0; v < all.size(); v++) {
        ViewEmbedding view = all.get(v);
        double[] raw =
            rawScores(kind, learned, view.embedding(), vocabulary, background, logitScale);
        if (own[v] >= 0) {
          pos.computeIfAbsent(view.label(), l -> new ArrayList<>()).add(raw[own[v]]);
          window.add(OpenSetScore.windowScore(raw));
        } else {
          neg.add(OpenSetScore.windowScore(raw));
        }
      }
      double[] n = neg.stream().mapToDouble(Double::doubleValue).toArray();
      if (options.scope() == ThresholdScope.WINDOW) {
        out.add(
            OpenSetCalibration.fitWindow(
                kind,
                options.targetRecall(),
                window.stream().mapToDouble(Double::doubleValue).toArray(),
                n,
                learned));
        continue;
      }
      Map<String, double[]> p = new LinkedHashMap<>();
      pos.forEach((l, xs) -> p.put(l, xs.stream().mapToDouble(Double::doubleValue).toArray()));
      out.add(
          OpenSetCalibration.fit(
              kind, options.targetRecall(), p, n, options.minClipsPerLabel(), learned));
    }
    return out;
  }

  /** A clip's raw label scores of {@code kind}, with its learned background class if any. */
  static double[] rawScores(
      OpenSetScore kind,
      Optional<LearnedBackground> learned,
      float[] clip,
      ClassEmbeddings vocabulary,
      float[][] background,
      double logitScale) {
    double[] cos = cosines(clip, vocabulary.vectors());
    double[] bg =
        learned.isPresent()
            ? new double[] {learned.get().cosine(clip, logitScale)}
            : cosines(clip, background);
    return kind.labelScores(cos, bg, logitScale);
  }

  /**
   * The share of {@code negatives} that {@code calibration} would report as recognized (some label
   * passes its threshold): the false alarm rate on them.
   */
  public static double falseAlarmRate(
      OpenSetCalibration calibration,
      List<ViewEmbedding> negatives,
      ClassEmbeddings vocabulary,
      float[][] background,
      double logitScale) {
    if (negatives.isEmpty()) {
      return Double.NaN;
    }
    int alarms = 0;
    for (ViewEmbedding n : negatives) {
      double[] raw =
          rawScores(
              calibration.score(),
              calibration.learnedBackground(),
              n.embedding(),
              vocabulary,
              background,
              logitScale);
      alarms += calibration.unknown(vocabulary.labels(), raw) ? 0 : 1;
    }
    return alarms / (double) negatives.size();
  }

  static double[] cosines(float[] v, float[][] classes) {
    double[] out = new double[classes.length];
    for (int i = 0; i < classes.length; i++) {
      double dot = 0;
      for (int d = 0; d < v.length; d++) {
        dot += (double) v[d] * classes[i][d];
      }
      out[i] = dot;
    }
    return out;
  }
}
