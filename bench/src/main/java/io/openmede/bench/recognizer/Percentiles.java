package io.openmede.bench.recognizer;

import java.util.Arrays;

/** The order statistics the benchmark reports. */
final class Percentiles {

  private Percentiles() {}

  /** The median; of an even count, the mean of the two middle values. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The {@code p}-th percentile (nearest rank); NaN of nothing. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }
}
