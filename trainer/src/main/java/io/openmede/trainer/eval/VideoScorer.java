package io.openmede.trainer.eval;

import io.openmede.model.ClassEmbeddings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores test views in a label space the way the paper tests (DESIGN.md §6): each view's cosine
 * similarities to the space's class embeddings, times the model's logit scale, go through a
 * softmax; the probabilities of a video's views are averaged (MMAction2's {@code
 * average_clips='prob'}); the video's label is ranked by the average. Pure and stateless.
 */
public final class VideoScorer {

  /** Labels kept per video in its result. */
  static final int TOP = 5;

  private VideoScorer() {}

  /**
   * Scores {@code views} among {@code space}'s labels.
   *
   * @param views the views; every label must be in {@code space}
   * @param space the labels to rank among
   * @param all class embeddings holding at least the space's labels
   * @param logitScale the model's logit scale (CLIP's learned temperature)
   * @throws IllegalArgumentException when a view's label is outside the space, or a video's views
   *     disagree on its label
   */
  public static VideoEvaluation score(
      List<ViewEmbedding> views, LabelSpace space, ClassEmbeddings all, double logitScale) {
    ClassEmbeddings classes = space.select(all);
    int k = classes.size();
    Map<String, double[]> sums = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ViewEmbedding v : views) {
      if (!space.contains(v.label())) {
        throw new IllegalArgumentException(
            "video "
                + v.videoId()
                + " is labelled '"
                + v.label()
                + "', which is not in label space '"
                + space.name()
                + "'");
      }
      String before = labels.putIfAbsent(v.videoId(), v.label());
      if (before != null && !before.equals(v.label())) {
        throw new IllegalArgumentException(
            "video "
                + v.videoId()
                + " has views labelled '"
                + before
                + "' and '"
                + v.label()
                + "'");
      }
      double[] p = softmax(v.embedding(), classes, logitScale);
      double[] sum = sums.computeIfAbsent(v.videoId(), id -> new double[k]);
      for (int i = 0; i < k; i++) {
        sum[i] += p[i];
      }
      counts.merge(v.videoId(), 1, Integer::sum);
    }
    List<VideoResult> out = new ArrayList<>(sums.size());
    sums.forEach(
        (id, sum) -> {
          int n = counts.get(id);
          double[] mean = new double[k];
          for (int i = 0; i < k; i++) {
            mean[i] = sum[i] / n;
          }
          String label = labels.get(id);
          out.add(result(id, label, n, mean, space.labels().indexOf(label), space.labels()));
        });
    return new VideoEvaluation(space.name(), k, out);
  }

  private static VideoResult result(
      String id, String label, int views, double[] mean, int own, List<String> names) {
    int rank = 0;
    for (int i = 0; i < mean.length; i++) {
      // ties count against the label, so a constant scorer is never "right"
      if (i != own && mean[i] >= mean[own]) {
        rank++;
      }
    }
    Integer[] order = new Integer[mean.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(mean[b], mean[a]));
    List<String> top = new ArrayList<>();
    List<Double> probabilities = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP, order.length); i++) {
      top.add(names.get(order[i]));
      probabilities.add(mean[order[i]]);
    }
    return new VideoResult(id, label, views, rank, top, probabilities);
  }

  private static double[] softmax(float[] v, ClassEmbeddings classes, double scale) {
    double[] z = new double[classes.size()];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < z.length; i++) {
      float[] c = classes.vectors()[i];
      if (c.length != v.length) {
        throw new IllegalArgumentException(
            "a view embedding has " + v.length + " dimensions, the classes " + c.length);
      }
      double s = 0;
      for (int d = 0; d < v.length; d++) {
        s += v[d] * c[d];
      }
      z[i] = scale * s;
      max = Math.max(max, z[i]);
    }
    double total = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - max);
      total += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= total;
    }
    return z;
  }
}
