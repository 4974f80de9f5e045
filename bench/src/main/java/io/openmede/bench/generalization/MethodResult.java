package io.openmede.bench.generalization;

import java.util.List;

/**
 * A method's scores over seeds, seed i at index i (paired across methods).
 *
 * @param method method name ({@code frozen}, {@code plain}, ...)
 * @param perSeed scores of each seed's run
 */
record MethodResult(String method, List<Scores> perSeed) {

  MethodResult {
    perSeed = List.copyOf(perSeed);
  }

  /** One metric's value per seed. */
  double[] values(String metric) {
    return perSeed.stream().mapToDouble(s -> s.get(metric)).toArray();
  }

  /** Mean over seeds of one metric. */
  double mean(String metric) {
    double[] v = values(metric);
    double m = 0;
    for (double x : v) {
      m += x / v.length;
    }
    return m;
  }

  /** Sample standard deviation over seeds (0 for one seed). */
  double std(String metric) {
    double[] v = values(metric);
    if (v.length < 2) {
      return 0;
    }
    double m = mean(metric);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
