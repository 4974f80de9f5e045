package io.openmede.recognizer.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Cosine scores to a ranked top-k with softmax probabilities. Stateless. */
final class Ranking {

  private Ranking() {}

  /**
   * Ranks classes for one clip.
   *
   * @param clip the clip embedding, {@code [D]}, unit length
   * @param classes class embeddings, {@code [C][D]}, unit length
   * @param labels {@code C} labels in the order of {@code classes}
   * @param logitScale the model's {@code exp(logit_scale)}
   * @param k how many to keep
   */
  public static List<RankedLabel> topK(
      float[] clip, float[][] classes, List<String> labels, double logitScale, int k) {
    int c = classes.length;
    double[] cos = new double[c];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < c; i++) {
      double dot = 0;
      float[] v = classes[i];
      for (int d = 0; d < clip.length; d++) {
        dot += (double) clip[d] * v[d];
      }
      cos[i] = dot;
      max = Math.max(max, logitScale * dot);
    }
    double sum = 0;
    double[] exp = new double[c];
    for (int i = 0; i < c; i++) {
      exp[i] = Math.exp(logitScale * cos[i] - max);
      sum += exp[i];
    }
    List<Integer> order = new ArrayList<>(c);
    for (int i = 0; i < c; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -cos[i]).thenComparing(labels::get));
    List<RankedLabel> top = new ArrayList<>(Math.min(k, c));
    for (int j = 0; j < Math.min(k, c); j++) {
      int i = order.get(j);
      top.add(new RankedLabel(labels.get(i), exp[i] / sum, cos[i]));
    }
    return top;
  }
}
