package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.openset.KnownRegion;
import io.openmede.model.openset.LearnedBackground;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.model.openset.ThresholdScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Fits a checkpoint's open-set thresholds ({@link OpenSetCalibration}) for every {@link
 * OpenSetScore} kind on the trainer's held-out clips, scored as the recognizer scores a window:
 * each clip on its own (no averaging of views) against the training vocabulary. Held-out clips of a
 * vocabulary label are that label's positives; held-out clips of any other label (unknown actions,
 * such as the world's novel ones) and clips of the negative split (empty scenes, confirmed false
 * alarms: nothing of the vocabulary happens) are negatives. The learned-background kind first fits
 * its class on the same positives and negatives ({@link LearnedBackground#fit}), then its
 * thresholds on scores computed with it: cross-fitted when the options ask for folds, each clip
 * scored by a class fitted without its fold, so that the thresholds keep the target recall of clips
 * the class has not seen rather than of the clips it was fitted on. The thresholds are per label
 * ({@link ThresholdScope#PER_LABEL}) or one on window scores ({@link ThresholdScope#WINDOW}), as
 * the options say. Pure and stateless.
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
   * @param folds cross-fitting of the learned-background kind: each clip's score for its thresholds
   *     comes from a class fitted without the clip's fold (of {@code folds}, by its position among
   *     the positives or the negatives); 1 scores every clip with the class fitted on it, which
   *     with a few dozen held-out clips keeps far fewer than the target of new known windows
   * @param regionRecall the share of held-out known clips the checkpoint's {@link KnownRegion}
   *     keeps (cross-fitted with {@code max(2, folds)} folds); empty: no region is fitted
   */
  public record Options(
      double targetRecall,
      int minClipsPerLabel,
      List<String> background,
      LearnedBackground.FitOptions learnedBackground,
      ThresholdScope scope,
      int folds,
      OptionalDouble regionRecall) {

    /** Most held-out known clips a known region keeps as references. */
    public static final int REGION_REFERENCES = 256;

    /** Options without a known region. */
    public Options(
        double targetRecall,
        int minClipsPerLabel,
        List<String> background,
        LearnedBackground.FitOptions learnedBackground,
        ThresholdScope scope,
        int folds) {
      this(
          targetRecall,
          minClipsPerLabel,
          background,
          learnedBackground,
          scope,
          folds,
          OptionalDouble.empty());
    }

    /** These options with a known region kept at {@code recall} of known clips, or none. */
    public Options withRegionRecall(OptionalDouble recall) {
      return new Options(
          targetRecall, minClipsPerLabel, background, learnedBackground, scope, folds, recall);
    }

    /** Options with the learned background's default fitting and per-label thresholds. */
    public Options(double targetRecall, int minClipsPerLabel, List<String> background) {
      this(targetRecall, minClipsPerLabel, background, ThresholdScope.PER_LABEL);
    }

    /** Options with the learned background's default fitting, not cross-fitted. */
    public Options(
        double targetRecall, int minClipsPerLabel, List<String> background, ThresholdScope scope) {
      this(targetRecall, minClipsPerLabel, background, scope, 1);
    }

    /** Options with the learned background's default fitting. */
    public Options(
        double targetRecall,
        int minClipsPerLabel,
        List<String> background,
        ThresholdScope scope,
        int folds) {
      this(
          targetRecall,
          minClipsPerLabel,
          background,
          LearnedBackground.FitOptions.DEFAULTS,
          scope,
          folds);
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
      if (folds < 1) {
        throw new IllegalArgumentException("cross-fitting folds " + folds + " < 1");
      }
      java.util.Objects.requireNonNull(regionRecall, "regionRecall");
      if (regionRecall.isPresent()
          && !(regionRecall.getAsDouble() > 0 && regionRecall.getAsDouble() <= 1)) {
        throw new IllegalArgumentException(
            "known region recall " + regionRecall.getAsDouble() + " is not in (0, 1]");
      }
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
    int[] fold = new int[all.size()];
    int positiveCount = 0;
    int negativeCount = 0;
    for (int v = 0; v < all.size(); v++) {
      own[v] = v < views.size() ? labels.indexOf(all.get(v).label()) : -1;
      fold[v] = (own[v] >= 0 ? positiveCount++ : negativeCount++) % options.folds();
    }
    List<float[]> posVectors = new ArrayList<>();
    List<float[]> negVectors = new ArrayList<>();
    for (int v = 0; v < all.size(); v++) {
      (own[v] >= 0 ? posVectors : negVectors).add(all.get(v).embedding());
    }
    List<OpenSetCalibration> out = new ArrayList<>();
    if (posVectors.isEmpty()) {
      return out;
    }
    for (OpenSetScore kind : OpenSetScore.values()) {
      Optional<LearnedBackground> learned = Optional.empty();
      List<Optional<LearnedBackground>> scoredWith = new ArrayList<>();
      if (kind == OpenSetScore.LEARNED_BACKGROUND) {
        if (negVectors.isEmpty()) {
          continue; // nothing to learn "nothing" from: no thresholds of this kind
        }
        learned = Optional.of(learn(all, own, fold, -1, vocabulary, logitScale, options));
        for (int k = 0; k < options.folds(); k++) {
          scoredWith.add(
              options.folds() == 1
                  ? learned
                  : Optional.of(learn(all, own, fold, k, vocabulary, logitScale, options)));
        }
      }
      Map<String, List<Double>> pos = new LinkedHashMap<>();
      List<Double> window = new ArrayList<>();
      List<Double> neg = new ArrayList<>();
      for (int v = 0; v < all.size(); v++) {
        ViewEmbedding view = all.get(v);
        Optional<LearnedBackground> with = scoredWith.isEmpty() ? learned : scoredWith.get(fold[v]);
        double[] raw = rawScores(kind, with, view.embedding(), vocabulary, background, logitScale);
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

  /**
   * The known region of the held-out clips of vocabulary labels, as {@code options} ask; empty when
   * they ask for none or fewer than 2 such clips are held out.
   */
  public static Optional<KnownRegion> fitRegion(
      List<ViewEmbedding> views, ClassEmbeddings vocabulary, Options options) {
    List<float[]> known = new ArrayList<>();
    for (ViewEmbedding v : views) {
      if (vocabulary.labels().contains(v.label())) {
        known.add(v.embedding());
      }
    }
    if (options.regionRecall().isEmpty() || known.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(
        KnownRegion.fit(
            known,
            options.regionRecall().getAsDouble(),
            Math.max(2, options.folds()),
            Options.REGION_REFERENCES));
  }

  /**
   * The learned background class fitted on every clip outside fold {@code leftOut} (-1: on all); on
   * all clips when leaving the fold out would leave no positive or no negative.
   */
  private static LearnedBackground learn(
      List<ViewEmbedding> all,
      int[] own,
      int[] fold,
      int leftOut,
      ClassEmbeddings vocabulary,
      double logitScale,
      Options options) {
    for (int attempt = 0; attempt < 2; attempt++) {
      int skip = attempt == 0 ? leftOut : -1;
      List<float[]> pos = new ArrayList<>();
      List<Integer> posLabels = new ArrayList<>();
      List<float[]> neg = new ArrayList<>();
      for (int v = 0; v < all.size(); v++) {
        if (skip >= 0 && fold[v] == skip) {
          continue;
        }
        if (own[v] >= 0) {
          pos.add(all.get(v).embedding());
          posLabels.add(own[v]);
        } else {
          neg.add(all.get(v).embedding());
        }
      }
      if (!pos.isEmpty() && !neg.isEmpty()) {
        return LearnedBackground.fit(
            pos,
            posLabels.stream().mapToInt(Integer::intValue).toArray(),
            neg,
            vocabulary.vectors(),
            logitScale,
            options.learnedBackground());
      }
    }
    throw new IllegalStateException("no positive or no negative to learn a background from");
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
