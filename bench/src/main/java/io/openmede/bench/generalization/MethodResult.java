package io.openmede.bench.generalization;

import java.util.List;

/**
 * A method's scores over seeds.
 *
 * @param method method name ({@code frozen}, {@code plain}, ...)
 * @param perSeed scores of each seed's run
 */
record MethodResult(String method, List<Scores> perSeed) {

  /** Mean over seeds of each metric, in {@link Scores#NAMES} order. */
  public double[] mean() {
    double[] m = new double[Scores.NAMES.length];
    for (Scores s : perSeed) {
      double[] v = s.values();
      for (int i = 0; i < m.length; i++) {
        m[i] += v[i] / perSeed.size();
      }
    }
    return m;
  }

  /** Sample standard deviation over seeds (0 for one seed), in {@link Scores#NAMES} order. */
  public double[] std() {
    double[] m = mean();
    double[] s = new double[m.length];
    if (perSeed.size() < 2) {
      return s;
    }
    for (Scores sc : perSeed) {
      double[] v = sc.values();
      for (int i = 0; i < m.length; i++) {
        s[i] += (v[i] - m[i]) * (v[i] - m[i]);
      }
    }
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.sqrt(s[i] / (perSeed.size() - 1));
    }
    return s;
  }

  /** The mean of one metric by name. */
  public double mean(String metric) {
    for (int i = 0; i < Scores.NAMES.length; i++) {
      if (Scores.NAMES[i].equals(metric)) {
        return mean()[i];
      }
    }
    throw new IllegalArgumentException("no metric " + metric);
  }
}
