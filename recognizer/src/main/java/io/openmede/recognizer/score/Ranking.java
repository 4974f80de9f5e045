package io.openmede.recognizer.score;

import io.openmede.model.openset.KnownRegion;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Cosine scores to a ranked top-k with softmax probabilities and, under open-set thresholds, each
 * label's calibrated score and the window's unknown decision. Stateless.
 */
final class Ranking {

  private Ranking() {}

  /**
   * Ranks classes for one clip, without an open-set decision.
   *
   * @param clip the clip embedding, {@code [D]}, unit length
   * @param classes class embeddings, {@code [C][D]}, unit length
   * @param labels {@code C} labels in the order of {@code classes}
   * @param logitScale the model's {@code exp(logit_scale)}
   * @param k how many to keep
   */
  public static List<RankedLabel> topK(
      float[] clip, float[][] classes, List<String> labels, double logitScale, int k) {
    return score(
            clip,
            classes,
            labels,
            new float[0][],
            logitScale,
            k,
            Optional.empty(),
            Optional.empty())
        .top();
  }

  /**
   * {@link #score(float[], float[][], List, float[][], double, int, Optional, Optional)} without a
   * known region.
   */
  public static WindowScore score(
      float[] clip,
      float[][] classes,
      List<String> labels,
      float[][] background,
      double logitScale,
      int k,
      Optional<OpenSetCalibration> calibration) {
    return score(clip, classes, labels, background, logitScale, k, calibration, Optional.empty());
  }

  /**
   * Ranks classes for one clip and, with {@code calibration}, decides whether anything of the
   * vocabulary happens in it: each label's raw score of the calibration's kind (over all {@code C}
   * labels, not only the top k) against its threshold.
   *
   * @param background class embeddings of the background classes, {@code [B][D]} (read by the
   *     background score only; the learned-background score takes its class from the calibration)
   * @param region where known clips lie (with a calibration only): a clip outside it is unknown
   *     whatever its scores
   */
  public static WindowScore score(
      float[] clip,
      float[][] classes,
      List<String> labels,
      float[][] background,
      double logitScale,
      int k,
      Optional<OpenSetCalibration> calibration,
      Optional<KnownRegion> region) {
    int c = classes.length;
    double[] cos = cosines(clip, classes);
    double[] probability = OpenSetScore.MAX_SOFTMAX.labelScores(cos, new double[0], logitScale);
    double[] raw = null;
    if (calibration.isPresent()) {
      OpenSetCalibration cal = calibration.get();
      double[] bg = cal.backgroundCosines(clip, cosines(clip, background), logitScale);
      raw = cal.score().labelScores(cos, bg, logitScale);
    }
    List<Integer> order = new ArrayList<>(c);
    for (int i = 0; i < c; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -cos[i]).thenComparing(labels::get));
    List<RankedLabel> top = new ArrayList<>(Math.min(k, c));
    for (int j = 0; j < Math.min(k, c); j++) {
      int i = order.get(j);
      OptionalDouble calibrated =
          raw == null
              ? OptionalDouble.empty()
              : OptionalDouble.of(calibration.get().calibrated(labels.get(i), raw[i]));
      top.add(new RankedLabel(labels.get(i), probability[i], cos[i], calibrated));
    }
    if (raw == null) {
      return WindowScore.of(top);
    }
    OpenSetCalibration cal = calibration.get();
    boolean outside = region.isPresent() && !region.get().contains(clip);
    return WindowScore.decided(top, cal.score(), outside || cal.unknown(labels, raw));
  }

  private static double[] cosines(float[] clip, float[][] classes) {
    double[] cos = new double[classes.length];
    for (int i = 0; i < classes.length; i++) {
      double dot = 0;
      float[] v = classes[i];
      for (int d = 0; d < clip.length; d++) {
        dot += (double) clip[d] * v[d];
      }
      cos[i] = dot;
    }
    return cos;
  }
}
