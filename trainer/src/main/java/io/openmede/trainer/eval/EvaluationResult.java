package io.openmede.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Accuracy on held-out videos (each the average of its views).
 *
 * @param clips clips (views) evaluated
 * @param videos videos evaluated
 * @param top1 share of videos whose best class among all labels is their label
 * @param top5 share of videos whose label is among the five best of all labels
 * @param baseTop1 top-1 of videos tagged 'base' among the base labels, if any
 * @param novelTop1 top-1 of videos tagged 'novel' among the novel labels, if any
 * @param harmonicMean 2ab/(a+b) of base and novel top-1, when both exist
 */
public record EvaluationResult(
    int clips,
    int videos,
    double top1,
    double top5,
    OptionalDouble baseTop1,
    OptionalDouble novelTop1,
    OptionalDouble harmonicMean) {

  /** Metrics named {@code PREFIX.top1}, {@code PREFIX.top5}, {@code PREFIX.base.top1}, .... */
  public Map<String, Double> metrics(String prefix) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + ".top1", top1);
    m.put(prefix + ".top5", top5);
    m.put(prefix + ".clips", (double) clips);
    m.put(prefix + ".videos", (double) videos);
    baseTop1.ifPresent(v -> m.put(prefix + ".base.top1", v));
    novelTop1.ifPresent(v -> m.put(prefix + ".novel.top1", v));
    harmonicMean.ifPresent(v -> m.put(prefix + ".hm", v));
    return m;
  }
}
