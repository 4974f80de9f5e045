package io.openmede.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Accuracy on held-out clips.
 *
 * @param clips clips evaluated
 * @param top1 fraction whose best class is their label
 * @param top5 fraction whose label is among the five best classes
 * @param baseTop1 top-1 on clips tagged 'base', if any
 * @param novelTop1 top-1 on clips tagged 'novel', if any
 * @param harmonicMean 2ab/(a+b) of base and novel top-1, when both exist
 */
public record EvaluationResult(
    int clips,
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
    baseTop1.ifPresent(v -> m.put(prefix + ".base.top1", v));
    novelTop1.ifPresent(v -> m.put(prefix + ".novel.top1", v));
    harmonicMean.ifPresent(v -> m.put(prefix + ".hm", v));
    return m;
  }
}
