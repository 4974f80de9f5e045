package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a checkpoint's open-set thresholds ({@link OpenSetCalibration}) for every {@link
 * OpenSetScore} kind on the trainer's held-out clips, scored as the recognizer scores a window:
 * each clip on its own (no averaging of views) against the training vocabulary. Held-out clips of a
 * vocabulary label are that label's positives; held-out clips of any other label (unknown actions,
 * such as the world's novel ones) and clips of the negative split (empty scenes, confirmed false
 * alarms: nothing of the vocabulary happens) are negatives. Pure and stateless.
 */
public final class OpenSetFitting {

  /**
   * How the thresholds are fitted.
   *
   * @param targetRecall share of each label's held-out clips the thresholds keep
   * @param minClipsPerLabel clips a label needs for a threshold of its own
   * @param background background class names of the background score
   */
  public record Options(double targetRecall, int minClipsPerLabel, List<String> background) {
    public Options {
      if (!(targetRecall > 0 && targetRecall <= 1)) {
        throw new IllegalArgumentException("target recall " + targetRecall + " is not in (0, 1]");
      }
      if (minClipsPerLabel < 1) {
        throw new IllegalArgumentException("min clips per label " + minClipsPerLabel + " < 1");
      }
      background = List.copyOf(background);
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
   * @return one calibration per kind, in {@link OpenSetScore} order; empty when no held-out clip
   *     shows a vocabulary label
   */
  public static List<OpenSetCalibration> fit(
      List<ViewEmbedding> views,
      List<ViewEmbedding> negatives,
      ClassEmbeddings vocabulary,
      float[][] background,
      double logitScale,
      Options options) {
    Map<OpenSetScore, Map<String, List<Double>>> pos = new LinkedHashMap<>();
    Map<OpenSetScore, List<Double>> neg = new LinkedHashMap<>();
    for (OpenSetScore kind : OpenSetScore.values()) {
      pos.put(kind, new LinkedHashMap<>());
      neg.put(kind, new ArrayList<>());
    }
    List<String> labels = vocabulary.labels();
    List<ViewEmbedding> all = new ArrayList<>(views);
    all.addAll(negatives);
    for (int v = 0; v < all.size(); v++) {
      ViewEmbedding view = all.get(v);
      double[] cos = cosines(view.embedding(), vocabulary.vectors());
      double[] bg = cosines(view.embedding(), background);
      int own = v < views.size() ? labels.indexOf(view.label()) : -1;
      for (OpenSetScore kind : OpenSetScore.values()) {
        double[] raw = kind.labelScores(cos, bg, logitScale);
        if (own >= 0) {
          pos.get(kind).computeIfAbsent(view.label(), l -> new ArrayList<>()).add(raw[own]);
        } else {
          neg.get(kind).add(OpenSetScore.windowScore(raw));
        }
      }
    }
    List<OpenSetCalibration> out = new ArrayList<>();
    if (pos.get(OpenSetScore.MAX_COSINE).isEmpty()) {
      return out;
    }
    for (OpenSetScore kind : OpenSetScore.values()) {
      Map<String, double[]> p = new LinkedHashMap<>();
      pos.get(kind)
          .forEach((l, xs) -> p.put(l, xs.stream().mapToDouble(Double::doubleValue).toArray()));
      double[] n = neg.get(kind).stream().mapToDouble(Double::doubleValue).toArray();
      out.add(
          OpenSetCalibration.fit(kind, options.targetRecall(), p, n, options.minClipsPerLabel()));
    }
    return out;
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
          calibration
              .score()
              .labelScores(
                  cosines(n.embedding(), vocabulary.vectors()),
                  cosines(n.embedding(), background),
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
