package io.openmede.trainer.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-video results of one label space and the accuracies they give. Immutable.
 *
 * @param space the label space's name
 * @param classes how many labels the space has (chance top-1 is 1/classes)
 * @param videos one result per video, in the order videos were first seen
 */
public record VideoEvaluation(String space, int classes, List<VideoResult> videos) {

  public VideoEvaluation {
    videos = List.copyOf(videos);
  }

  /** Views scored in all. */
  public int views() {
    return videos.stream().mapToInt(VideoResult::views).sum();
  }

  /** Share of videos whose label ranks first (0 without videos). */
  public double top1() {
    return topK(1);
  }

  /** Share of videos whose label is among the five best. */
  public double top5() {
    return topK(5);
  }

  /** Share of videos whose label ranks among the best {@code k}. */
  public double topK(int k) {
    if (videos.isEmpty()) {
      return 0;
    }
    return videos.stream().filter(v -> v.rank() < k).count() / (double) videos.size();
  }

  /** Top-1 per class, by class name. */
  public Map<String, Double> perClassTop1() {
    Map<String, int[]> counts = new TreeMap<>();
    for (VideoResult v : videos) {
      int[] c = counts.computeIfAbsent(v.label(), k -> new int[2]);
      c[0] += v.rank() == 0 ? 1 : 0;
      c[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    counts.forEach((label, c) -> out.put(label, c[0] / (double) c[1]));
    return out;
  }

  /** Mean of the per-class top-1 (each class counts once, whatever its size). */
  public double meanClassTop1() {
    return perClassTop1().values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  /** Harmonic mean 2ab/(a+b) of two accuracies (0 when both are 0). */
  public static double harmonicMean(double a, double b) {
    return a + b == 0 ? 0 : 2 * a * b / (a + b);
  }
}
