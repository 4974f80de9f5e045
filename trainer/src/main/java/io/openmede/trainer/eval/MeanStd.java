package io.openmede.trainer.eval;

/**
 * Mean and sample standard deviation of a few values (splits or seeds), as the paper reports
 * cross-dataset results (mean ± std over the three K600 splits).
 *
 * @param n values
 * @param mean their mean
 * @param std sample standard deviation (n − 1), 0 for one value
 */
public record MeanStd(int n, double mean, double std) {

  /** Of {@code values} (at least one). */
  public static MeanStd of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("mean ± std of no values");
    }
    double mean = 0;
    for (double v : values) {
      mean += v / values.length;
    }
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    return new MeanStd(
        values.length, mean, values.length < 2 ? 0 : Math.sqrt(ss / (values.length - 1)));
  }
}
