package io.openmede.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A paired comparison of two methods over the same seeds (or splits): the mean of the per-seed
 * differences {@code a - b}, its two-sided t-interval, the t-test's p-value, and the smallest
 * difference the design detects with 80 % power at the interval's level. {@link #holm} corrects a
 * family of comparisons fixed in advance. A comparison is {@link #decided()} when its (adjusted)
 * p-value is at most {@link #alpha()}: after Holm's correction that is the step-down procedure with
 * its stop, which interval exclusion at the per-rank levels is not. Immutable.
 *
 * @param name what is compared ("novel_ooc: open-mede-gwa - plain")
 * @param n pairs
 * @param meanDifference mean of {@code a_i - b_i}
 * @param sd sample standard deviation of the differences (NaN for one pair)
 * @param level confidence level of the interval (0.95, or higher after Holm's correction)
 * @param ciLow lower end of the interval (−∞ for one pair)
 * @param ciHigh upper end
 * @param p two-sided p-value of "no difference" (Holm-adjusted after {@link #holm})
 * @param smallestDetectable the true difference found with 80 % power at this level
 * @param alpha the significance level the decision is taken at: {@code 1 - level} for a single
 *     comparison, the familywise level after {@link #holm}
 */
public record PairedComparison(
    String name,
    int n,
    double meanDifference,
    double sd,
    double level,
    double ciLow,
    double ciHigh,
    double p,
    double smallestDetectable,
    double alpha) {

  /** Power for {@link #smallestDetectable}. */
  public static final double POWER = 0.8;

  public PairedComparison {
    Objects.requireNonNull(name, "name");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException(name + ": alpha must be in (0, 1), got " + alpha);
    }
  }

  /**
   * Compares paired samples at {@code level} (0.95 for a 95 % interval).
   *
   * @throws IllegalArgumentException when the samples differ in length or are empty
   */
  public static PairedComparison of(String name, double[] a, double[] b, double level) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException(
          name
              + ": paired samples need equal, non-zero lengths, got "
              + a.length
              + " and "
              + b.length);
    }
    int n = a.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[i] - b[i];
    }
    double mean = Arrays.stream(d).average().orElse(0);
    if (n < 2) {
      return new PairedComparison(
          name,
          n,
          mean,
          Double.NaN,
          level,
          Double.NEGATIVE_INFINITY,
          Double.POSITIVE_INFINITY,
          1,
          Double.POSITIVE_INFINITY,
          1 - level);
    }
    double ss = 0;
    for (double x : d) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return at(name, n, mean, sd, level, pValue(mean, sd, n), 1 - level);
  }

  private static PairedComparison at(
      String name, int n, double mean, double sd, double level, double p, double alpha) {
    int df = n - 1;
    double se = sd / Math.sqrt(n);
    double t = StudentT.quantile(1 - (1 - level) / 2, df);
    double detect = (t + StudentT.quantile(POWER, df)) * se;
    return new PairedComparison(
        name, n, mean, sd, level, mean - t * se, mean + t * se, p, detect, alpha);
  }

  private static double pValue(double mean, double sd, int n) {
    if (sd == 0) {
      return mean == 0 ? 1 : 0;
    }
    double t = mean / (sd / Math.sqrt(n));
    return 2 * StudentT.cdf(-Math.abs(t), n - 1);
  }

  /**
   * Holm's step-down correction of a family at familywise level {@code 1 - alpha}: the comparison
   * with the j-th smallest p-value (j from 0) of m gets p-value max over i ≤ j of min(1, (m - i)
   * p_i) and an interval at level {@code 1 - alpha / (m - j)}; each is decided when its adjusted
   * p-value is at most {@code alpha}. The running maximum is the step-down stop: once a comparison
   * is not rejected, none with a larger raw p-value is, whatever its interval at its own rank says.
   * Returned in the given order.
   */
  public static List<PairedComparison> holm(List<PairedComparison> family, double alpha) {
    int m = family.size();
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> family.get(i).p()));
    PairedComparison[] out = new PairedComparison[m];
    double running = 0;
    for (int j = 0; j < m; j++) {
      PairedComparison c = family.get(order[j]);
      running = Math.max(running, Math.min(1, (m - j) * c.p()));
      double level = 1 - alpha / (m - j);
      out[order[j]] =
          c.n() < 2
              ? new PairedComparison(
                  c.name(),
                  c.n(),
                  c.meanDifference(),
                  c.sd(),
                  level,
                  c.ciLow(),
                  c.ciHigh(),
                  running,
                  c.smallestDetectable(),
                  alpha)
              : at(c.name(), c.n(), c.meanDifference(), c.sd(), level, running, alpha);
    }
    return new ArrayList<>(Arrays.asList(out));
  }

  /**
   * Whether "no difference" is rejected: the (adjusted) p-value is at most {@link #alpha()}, with
   * at least two pairs. For a single comparison that is the interval excluding zero.
   */
  public boolean decided() {
    return n >= 2 && p <= alpha;
  }
}
