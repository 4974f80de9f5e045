package io.openmede.bench.generalization;

/**
 * One model's scores on the benchmark's test sets (fractions in [0, 1]).
 *
 * @param baseTop1 base actions in context, over the base classes
 * @param baseTop5 same, top-5
 * @param novelTop1 novel actions in context, over the novel classes
 * @param novelTop5 same, top-5
 * @param oocTop1 novel actions out of context, over the novel classes (like UCF-SCUBA)
 * @param oocTop5 same, top-5
 * @param sceneOnlyConfident share of scene-only clips given some action confidently (like UCF-HAT;
 *     lower is better)
 */
record Scores(
    double baseTop1,
    double baseTop5,
    double novelTop1,
    double novelTop5,
    double oocTop1,
    double oocTop5,
    double sceneOnlyConfident) {

  /** Harmonic mean of base and novel top-1, 2ab/(a+b) (0 when both are 0). */
  public double harmonicMean() {
    return baseTop1 + novelTop1 == 0 ? 0 : 2 * baseTop1 * novelTop1 / (baseTop1 + novelTop1);
  }

  /** Metric names in table/CSV order. */
  public static final String[] NAMES = {
    "base_top1",
    "base_top5",
    "novel_top1",
    "novel_top5",
    "hm",
    "ooc_top1",
    "ooc_top5",
    "scene_only_confident"
  };

  /** Values in {@link #NAMES} order. */
  public double[] values() {
    return new double[] {
      baseTop1, baseTop5, novelTop1, novelTop5, harmonicMean(), oocTop1, oocTop5, sceneOnlyConfident
    };
  }
}
